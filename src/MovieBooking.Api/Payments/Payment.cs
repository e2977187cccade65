namespace MovieBooking.Api.Payments;

/// <summary>One attempt to pay for a booking: an order at a gateway for the booking's total.</summary>
public sealed class Payment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid BookingId { get; init; }
    public Guid UserId { get; init; }

    /// <summary>The gateway's name (<c>sandbox</c>, <c>razorpay</c>, <c>stripe</c>).</summary>
    public required string Gateway { get; init; }

    /// <summary>The gateway's order id, as we stored it; signatures are checked against this, never a callback's.</summary>
    public required string OrderId { get; init; }

    public long Amount { get; init; }
    public required string Currency { get; init; }
    public PaymentStatus Status { get; set; } = PaymentStatus.Created;

    /// <summary>The gateway's id of the captured payment.</summary>
    public string? GatewayPaymentId { get; set; }

    public string? RefundId { get; set; }
    public long? RefundAmount { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Until when an instance's reconciler has claimed the payment; others leave it alone until then.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }
}

public enum PaymentStatus
{
    Created,

    /// <summary>Captured at the gateway (as the gateway itself reports); its booking is being settled (confirmed, or the payment owed back).</summary>
    Settling,

    /// <summary>Captured and settled: it paid for its booking.</summary>
    Captured,
    Failed,

    /// <summary>Owed back: recorded in the transaction that owes it, then sent and checked until the gateway reports it done.</summary>
    RefundPending,
    Refunded,
}

/// <summary>A webhook event already handled, by the gateway's event id: gateways retry and deliver twice.</summary>
public sealed class PaymentEvent
{
    public required string Gateway { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
}
