using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Catalog;

/// <summary>Bound from <c>Catalog</c>.</summary>
public sealed class CatalogOptions : IValidatableObject
{
    public const string Section = "Catalog";

    /// <summary>Time zone of a <c>date</c> filter when the request names no city.</summary>
    public string TimeZone { get; set; } = "Asia/Kolkata";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CityTime.IsKnownZone(TimeZone))
        {
            yield return new ValidationResult($"Catalog:TimeZone '{TimeZone}' is not a known time zone.", [nameof(TimeZone)]);
        }
    }
}
