namespace MovieBooking.Api.Payments;

/// <summary>
/// An order at the sandbox gateway. The sandbox keeps its own books, as a gateway does: these tables are written only by
/// the sandbox, in its own transactions, and the service learns of them only through the gateway interface.
/// </summary>
public sealed class SandboxOrder
{
    public required string OrderId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary><c>created</c>, <c>failed</c> (may be paid again) or <c>paid</c>.</summary>
    public string Status { get; set; } = SandboxOrderStatus.Created;

    /// <summary>The captured payment, once the order is paid.</summary>
    public string? PaymentId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

public static class SandboxOrderStatus
{
    public const string Created = "created";
    public const string Failed = "failed";
    public const string Paid = "paid";
}

/// <summary>A refund the sandbox made: at most one per captured payment, and at most its amount.</summary>
public sealed class SandboxRefund
{
    public required string RefundId { get; init; }
    public required string PaymentId { get; init; }
    public required string OrderId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary>The merchant's key: the same key asks for the same refund.</summary>
    public required string IdempotencyKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A webhook the sandbox owes the service: delivered when due, again until the service accepts it.</summary>
public sealed class SandboxWebhook
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string EventId { get; init; }
    public required string OrderId { get; init; }
    public required string Body { get; init; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int Attempts { get; set; }
}
