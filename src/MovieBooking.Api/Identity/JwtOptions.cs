using System.ComponentModel.DataAnnotations;
using System.Text;

namespace MovieBooking.Api.Identity;

/// <summary>Bound from <c>Jwt</c>.</summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string Section = "Jwt";

    /// <summary>HMAC-SHA256 key, at least 32 bytes of UTF-8. Required outside Development.</summary>
    public string SigningKey { get; set; } = "";

    [Required(ErrorMessage = "Jwt:Issuer is required.")]
    public string Issuer { get; set; } = "movie-booking";

    [Required(ErrorMessage = "Jwt:Audience is required.")]
    public string Audience { get; set; } = "movie-booking-api";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Jwt:AccessTokenLifetime must be between 00:01:00 and 1.00:00:00.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00", ErrorMessage = "Jwt:RefreshTokenLifetime must be between 00:05:00 and 365.00:00:00.")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult(
                "Jwt:SigningKey must be set to a secret of at least 32 bytes (environment variable Jwt__SigningKey).",
                [nameof(SigningKey)]);
        }
    }
}
