using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Seating;

/// <summary>
/// One row of a show's seat inventory. The layout fields are copied from the screen when the show is
/// created so the seat map of a show is read from this table alone.
/// </summary>
public sealed class ShowSeat
{
    public Guid ShowId { get; init; }
    public required string SeatId { get; init; }
    public required string Row { get; init; }
    public int RowIndex { get; init; }
    public int Number { get; init; }
    public int Column { get; init; }
    public SeatCategory Category { get; init; }
    public SeatStatus Status { get; set; }
    public Guid? HoldId { get; set; }

    /// <summary>The user whose hold (or unpaid booking) has the seat.</summary>
    public Guid? HeldBy { get; set; }
    public DateTimeOffset? HoldExpiresAt { get; set; }
    public Guid? BookingId { get; set; }
}

public enum SeatStatus
{
    Available,
    Held,
    Booked,
    Blocked,
}
