namespace MovieBooking.Api.Tickets;

/// <summary>The entry pass of a confirmed booking. It admits once: <see cref="CheckedInAt"/> is set by the first scan.</summary>
public sealed class Ticket
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid BookingId { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public Guid? CheckedInBy { get; set; }
}
