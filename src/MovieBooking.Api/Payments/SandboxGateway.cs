using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Payments;

/// <summary>An order at the sandbox gateway, which keeps its orders in the service's database.</summary>
public sealed class SandboxOrder
{
    public required string OrderId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }

    /// <summary><c>created</c>, <c>failed</c> (may be paid again) or <c>paid</c>.</summary>
    public string Status { get; set; } = "created";

    public string? PaymentId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The built-in stand-in for a real gateway, needing no account. It signs like Razorpay: a checkout answer carries
/// the hex HMAC-SHA256 of <c>orderId|paymentId</c> under the key secret, and a webhook carries the hex HMAC-SHA256 of
/// its raw body under the webhook secret in <c>X-Signature</c>. Refunds complete at once.
/// </summary>
public sealed class SandboxGateway(MovieBookingDb db, IOptions<PaymentOptions> options, TimeProvider time) : IPaymentGateway
{
    public const string GatewayName = "sandbox";
    public const string SignatureHeader = "X-Signature";

    public string Name => GatewayName;

    private SandboxSettings Settings => options.Value.Sandbox;

    public async Task<GatewayOrder> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var order = new SandboxOrder { OrderId = NewId("order"), Amount = request.Amount, Currency = request.Currency, CreatedAt = time.GetUtcNow() };
        db.SandboxOrders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        return new GatewayOrder(order.OrderId, new Dictionary<string, string>
        {
            ["keyId"] = "sandbox",
            ["payUrl"] = $"/api/sandbox/orders/{order.OrderId}/pay",
            ["checkoutPage"] = $"/api/sandbox/orders/{order.OrderId}",
        });
    }

    public Task<bool> VerifyCheckoutAsync(string orderId, string paymentId, string signature, CancellationToken cancellationToken) =>
        Task.FromResult(HmacSignature.Verify(Settings.KeySecret!, $"{orderId}|{paymentId}", signature));

    public bool VerifyWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return HmacSignature.Verify(Settings.WebhookSecret!, body, headers[SignatureHeader].ToString());
    }

    public GatewayEvent? ReadWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers) => RazorpayEvents.Read(body, null);

    public Task<GatewayRefund> RefundAsync(string gatewayPaymentId, long amount, string currency, CancellationToken cancellationToken) =>
        Task.FromResult(new GatewayRefund(NewId("rfnd"), Completed: true));

    /// <summary>Plays the hosted checkout: the order is paid or fails, and the answer is signed.</summary>
    public async Task<SandboxPayment?> PayAsync(string orderId, bool success, CancellationToken cancellationToken)
    {
        var order = await db.SandboxOrders.FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        if (order.Status == "paid")
        {
            return new SandboxPayment(order, order.PaymentId!, AlreadyPaid: true, "", []);
        }

        var paymentId = NewId("pay");
        var paid = await db.SandboxOrders
            .Where(o => o.OrderId == orderId && o.Status != "paid")
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, success ? "paid" : "failed").SetProperty(x => x.PaymentId, paymentId), cancellationToken);
        if (paid == 0)
        {
            await db.Entry(order).ReloadAsync(cancellationToken);
            return new SandboxPayment(order, order.PaymentId!, AlreadyPaid: true, "", []);
        }

        var webhook = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = NewId("evt"),
            @event = success ? "payment.captured" : "payment.failed",
            created_at = time.GetUtcNow().ToUnixTimeSeconds(),
            payload = new
            {
                payment = new
                {
                    entity = new { id = paymentId, order_id = orderId, amount = order.Amount, currency = order.Currency, status = success ? "captured" : "failed" },
                },
            },
        });
        return new SandboxPayment(order, paymentId, AlreadyPaid: false, HmacSignature.Sign(Settings.KeySecret!, $"{orderId}|{paymentId}"), webhook);
    }

    public string SignWebhook(ReadOnlySpan<byte> body) => HmacSignature.Sign(Settings.WebhookSecret!, body);

    private static string NewId(string prefix) =>
        $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
}

/// <summary>The sandbox's answer to a checkout, and the webhook it sends about it.</summary>
public sealed record SandboxPayment(SandboxOrder Order, string PaymentId, bool AlreadyPaid, string Signature, byte[] Webhook);
