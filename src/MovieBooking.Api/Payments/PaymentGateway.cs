using System.Security.Cryptography;
using System.Text;

namespace MovieBooking.Api.Payments;

/// <summary>What the gateway is asked to collect.</summary>
public sealed record OrderRequest(Guid PaymentId, Guid BookingId, long Amount, string Currency);

/// <summary>The gateway's order and what a client needs to open its checkout.</summary>
public sealed record GatewayOrder(string OrderId, IReadOnlyDictionary<string, string> Checkout);

public enum GatewayEventKind
{
    PaymentCaptured,
    PaymentFailed,
    RefundProcessed,

    /// <summary>An event this service does not act on; acknowledged and ignored.</summary>
    Other,
}

/// <summary>A verified webhook event, reduced to what the service acts on.</summary>
public sealed record GatewayEvent(string EventId, string Type, GatewayEventKind Kind, string? OrderId, string? PaymentId, string? RefundId);

/// <summary>What the gateway says of an order: still open, paid (with the charge that paid it), or failed.</summary>
public enum GatewayOrderState
{
    Open,
    Paid,
    Failed,
}

/// <summary>Money the gateway captured for an order: its payment id, amount in minor units and currency.</summary>
public sealed record GatewayCharge(string PaymentId, long Amount, string Currency);

public sealed record GatewayOrderStatus(GatewayOrderState State, GatewayCharge? Charge)
{
    public static readonly GatewayOrderStatus Open = new(GatewayOrderState.Open, null);
    public static readonly GatewayOrderStatus Failed = new(GatewayOrderState.Failed, null);

    public static GatewayOrderStatus Paid(GatewayCharge charge) => new(GatewayOrderState.Paid, charge);
}

public enum GatewayRefundState
{
    Pending,
    Processed,
    Failed,
}

public sealed record GatewayRefund(string RefundId, GatewayRefundState State);

/// <summary>
/// The gateway could not be reached, timed out or answered a server error: whether it acted is unknown, so the caller
/// asks it again later (its status queries and idempotency keys make that safe).
/// </summary>
public sealed class PaymentGatewayException : Exception
{
    public PaymentGatewayException()
    {
    }

    public PaymentGatewayException(string message)
        : base(message)
    {
    }

    public PaymentGatewayException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A payment gateway: orders, client-side signatures, signed webhooks and refunds.</summary>
public interface IPaymentGateway
{
    string Name { get; }

    Task<GatewayOrder> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the checkout's answer proves <paramref name="paymentId"/> paid <paramref name="orderId"/> (the order
    /// id we stored). Compared in constant time.
    /// </summary>
    Task<bool> VerifyCheckoutAsync(string orderId, string paymentId, string signature, CancellationToken cancellationToken);

    /// <summary>Whether the webhook's signature over the raw body verifies.</summary>
    bool VerifyWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers);

    /// <summary>The event of a verified webhook; null when its body is not an event.</summary>
    GatewayEvent? ReadWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers);

    /// <summary>
    /// What the gateway itself records for the order: the only proof that money was captured (a signature proves
    /// who sent a message, not that a payment succeeded).
    /// </summary>
    Task<GatewayOrderStatus> GetOrderStatusAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// The refund of a captured payment, if one was asked for: a processed or pending one before a failed one. Asked
    /// before refunding, so a refund whose answer was lost is found instead of sent twice.
    /// </summary>
    Task<GatewayRefund?> FindRefundAsync(string gatewayPaymentId, CancellationToken cancellationToken);

    /// <summary>Refunds <paramref name="amount"/> of a captured payment; the same key asks for the same refund.</summary>
    Task<GatewayRefund> RefundAsync(string gatewayPaymentId, long amount, string currency, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>HMAC-SHA256 signatures as gateways send them: lower-case hex, compared in constant time.</summary>
public static class HmacSignature
{
    public static string Sign(string secret, ReadOnlySpan<byte> data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));

    public static string Sign(string secret, string data) => Sign(secret, Encoding.UTF8.GetBytes(data));

    /// <summary>True when <paramref name="signature"/> is the hex HMAC of the data; false for anything malformed.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> data, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length != 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static bool Verify(string secret, string data, string? signature) => Verify(secret, Encoding.UTF8.GetBytes(data), signature);
}
