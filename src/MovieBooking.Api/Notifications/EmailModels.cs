using System.Globalization;

namespace MovieBooking.Api.Notifications;

/// <summary>What a booking's emails say about it: the show, the place, the seats and the money.</summary>
public sealed record BookingFacts(
    Guid BookingId,
    string CustomerName,
    string Movie,
    string Language,
    string Format,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Theatre,
    string Address,
    string City,
    string Screen,
    IReadOnlyList<string> Seats,
    IReadOnlyList<FoodFact> Food,
    IReadOnlyList<PriceFact> Lines,
    long Total,
    string Currency,
    string? OfferCode,
    string TicketUrl)
{
    /// <summary>"Sat 5 Dec 2026, 18:30 (UTC+05:30)": the show's local time as a person reads it.</summary>
    public string When => $"{StartsAt.ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)} (UTC{StartsAt:zzz})";
}

public sealed record FoodFact(string Name, int Quantity);

public sealed record PriceFact(string Description, int Quantity, long Amount);

/// <summary>Amounts as the messages print them.</summary>
public static class Money
{
    /// <summary>₹1,23,456.50 for INR (grouped in lakhs, as India writes amounts), otherwise the amount and its currency code.</summary>
    public static string Format(long minor, string currency)
    {
        var rupees = Math.Abs(minor) / 100;
        var paise = Math.Abs(minor) % 100;
        var sign = minor < 0 ? "-" : "";
        if (currency != "INR")
        {
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{rupees:#,0}.{paise:00} {currency}");
        }

        var digits = rupees.ToString(CultureInfo.InvariantCulture);
        var grouped = digits.Length <= 3 ? digits : Lakhs(digits[..^3]) + "," + digits[^3..];
        return string.Create(CultureInfo.InvariantCulture, $"{sign}₹{grouped}.{paise:00}");
    }

    private static string Lakhs(string digits) =>
        digits.Length <= 2 ? digits : Lakhs(digits[..^2]) + "," + digits[^2..];
}
