using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace MovieBooking.Api.Identity;

/// <summary>At least 8 characters (at most 128) with a letter and a digit or symbol.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PasswordPolicyAttribute : ValidationAttribute
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public override bool IsValid(object? value) =>
        value is not string password || (password.Length is >= MinLength and <= MaxLength
            && password.Any(char.IsLetter)
            && password.Any(c => !char.IsLetter(c) && !char.IsWhiteSpace(c)));

    public override string FormatErrorMessage(string name) =>
        $"The password must be {MinLength} to {MaxLength} characters long with at least one letter and one digit or symbol.";
}

/// <summary>A single address of the form <c>local@domain.tld</c>, nothing around it.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class AccountEmailAttribute : ValidationAttribute
{
    public const int MaxLength = 254;

    public override bool IsValid(object? value)
    {
        if (value is not string email)
        {
            return true;
        }

        return email.Length <= MaxLength
            && MailAddress.TryCreate(email, out var address)
            && address.Address == email
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.StartsWith('.')
            && !address.Host.EndsWith('.');
    }

    public override string FormatErrorMessage(string name) => "The email address is not valid.";
}
