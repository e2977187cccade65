namespace MovieBooking.Api.Catalog;

/// <summary>A city people pick first; show times are presented in its time zone.</summary>
public sealed class City
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Slug { get; set; }

    /// <summary>IANA time zone id, e.g. <c>Asia/Kolkata</c>.</summary>
    public required string TimeZone { get; set; }
}
