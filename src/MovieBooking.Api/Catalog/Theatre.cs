namespace MovieBooking.Api.Catalog;

public sealed class Theatre
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid CityId { get; set; }
    public City? City { get; set; }

    /// <summary>The theatre owner who manages it (a user with the TheatreOwner role).</summary>
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }
    public List<Screen> Screens { get; init; } = [];

    /// <summary>The theatre's own cancellation policy; none: the configured default.</summary>
    public Pricing.CancellationPolicy? CancellationPolicy { get; set; }

    /// <summary>Whether a selection may leave a single free seat between taken seats, aisles and row ends.</summary>
    public Seating.GapRule GapRule { get; set; } = Seating.GapRule.Strict;
}
