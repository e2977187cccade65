using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Razorpay through its REST API: orders (<c>POST /orders</c>), refunds (<c>POST /payments/{id}/refund</c>), the
/// checkout signature (hex HMAC-SHA256 of <c>order_id|razorpay_payment_id</c> under the key secret) and webhooks
/// (hex HMAC-SHA256 of the raw body under the webhook secret, in <c>X-Razorpay-Signature</c>; the event id in
/// <c>X-Razorpay-Event-Id</c>).
/// </summary>
public sealed class RazorpayGateway(HttpClient http, IOptions<PaymentOptions> options) : IPaymentGateway
{
    public const string GatewayName = "razorpay";
    public const string SignatureHeader = "X-Razorpay-Signature";
    public const string EventIdHeader = "X-Razorpay-Event-Id";

    public string Name => GatewayName;

    private RazorpaySettings Settings => options.Value.Razorpay;

    public async Task<GatewayOrder> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await http.PostAsJsonAsync("orders", new
        {
            amount = request.Amount,
            currency = request.Currency,
            receipt = request.BookingId.ToString("N"),
            notes = new { booking_id = request.BookingId, payment_id = request.PaymentId },
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var order = await response.Content.ReadFromJsonAsync<RazorpayEntity>(cancellationToken)
            ?? throw new HttpRequestException("Razorpay answered an order without a body.");
        return new GatewayOrder(order.Id, new Dictionary<string, string>
        {
            ["keyId"] = Settings.KeyId!,
            ["orderId"] = order.Id,
            ["amount"] = request.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["currency"] = request.Currency,
        });
    }

    public Task<bool> VerifyCheckoutAsync(string orderId, string paymentId, string signature, CancellationToken cancellationToken) =>
        Task.FromResult(HmacSignature.Verify(Settings.KeySecret!, $"{orderId}|{paymentId}", signature));

    public bool VerifyWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return HmacSignature.Verify(Settings.WebhookSecret!, body, headers[SignatureHeader].ToString());
    }

    public GatewayEvent? ReadWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var eventId = headers[EventIdHeader].ToString();
        return RazorpayEvents.Read(body, eventId.Length > 0 ? eventId : null);
    }

    public async Task<GatewayRefund> RefundAsync(string gatewayPaymentId, long amount, string currency, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"payments/{Uri.EscapeDataString(gatewayPaymentId)}/refund", new { amount }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var refund = await response.Content.ReadFromJsonAsync<RazorpayEntity>(cancellationToken)
            ?? throw new HttpRequestException("Razorpay answered a refund without a body.");
        return new GatewayRefund(refund.Id, refund.Status == "processed");
    }

    private sealed record RazorpayEntity([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("status")] string? Status);
}
