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

public sealed record GatewayRefund(string RefundId, bool Completed);

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

    Task<GatewayRefund> RefundAsync(string gatewayPaymentId, long amount, string currency, CancellationToken cancellationToken);
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
