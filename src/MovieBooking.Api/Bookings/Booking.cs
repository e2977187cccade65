namespace MovieBooking.Api.Bookings;

/// <summary>Seats of one show bought (or being bought) by one user, made from one hold.</summary>
public sealed class Booking
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public Guid ShowId { get; init; }

    /// <summary>The hold the booking was made from; unique, so one hold makes at most one booking.</summary>
    public Guid HoldId { get; init; }

    public BookingStatus Status { get; set; } = BookingStatus.PendingPayment;
    public required string Currency { get; init; }
    public long SeatTotal { get; init; }
    public long ConvenienceFee { get; init; }
    public long Tax { get; init; }
    public long Total { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When an unpaid booking lapses and its seats are freed (the hold's expiry).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The payment that confirmed the booking, or whose money it owes back when it could not be sold.</summary>
    public Guid? PaymentId { get; set; }

    /// <summary>When its customer or its show's theatre cancelled it; a repeated cancellation answers the same.</summary>
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>What is (or was) paid back, in minor units, once a paid booking is cancelled or could not be sold.</summary>
    public long? RefundAmount { get; set; }

    public string? RefundReason { get; set; }
    public List<BookingSeat> Seats { get; init; } = [];
}

/// <summary>
/// One seat of a booking with the price it was sold at. <see cref="Sold"/> is true while the booking holds the sale;
/// a unique index over (show, seat) among sold rows makes selling a seat twice impossible.
/// </summary>
public sealed class BookingSeat
{
    public Guid BookingId { get; init; }
    public Guid ShowId { get; init; }
    public required string SeatId { get; init; }
    public long Price { get; init; }
    public bool Sold { get; set; }
}

public enum BookingStatus
{
    PendingPayment,
    Confirmed,
    Failed,
    Expired,
    Cancelled,
    Refunded,
}
