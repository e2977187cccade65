using PhoneNumbers;

namespace MovieBooking.Api.Identity;

/// <summary>Phone numbers as the service keeps them: valid numbers in E.164 form, read with libphonenumber.</summary>
public static class PhoneNumbers
{
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>The number in E.164 form (<c>+919876543210</c>), or null when it is not a valid number with its country code.</summary>
    public static string? ToE164(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.TrimStart().StartsWith('+'))
        {
            return null;
        }

        try
        {
            var number = Numbers.Parse(text, null);
            return Numbers.IsValidNumber(number) ? Numbers.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
