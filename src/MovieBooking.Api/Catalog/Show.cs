namespace MovieBooking.Api.Catalog;

public sealed class Show
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid MovieId { get; set; }
    public Movie? Movie { get; set; }
    public Guid ScreenId { get; set; }
    public Screen? Screen { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public required string Language { get; set; }

    /// <summary>Projection format: 2D, 3D, IMAX 2D, 4DX …</summary>
    public required string Format { get; set; }

    public ShowStatus Status { get; set; } = ShowStatus.Scheduled;

    /// <summary>ISO 4217 code of every price of this show.</summary>
    public string Currency { get; set; } = "INR";

    public List<ShowPrice> Prices { get; init; } = [];
}

public enum ShowStatus
{
    Scheduled,
    Cancelled,
}

/// <summary>Price of one seat of a category for a show, in minor units (paise).</summary>
public sealed class ShowPrice
{
    public Guid ShowId { get; set; }
    public SeatCategory Category { get; init; }
    public long Amount { get; set; }
}
