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
        var order = await SendAsync<RazorpayEntity>(HttpMethod.Post, "orders", new
        {
            amount = request.Amount,
            currency = request.Currency,
            receipt = request.BookingId.ToString("N"),
            notes = new { booking_id = request.BookingId, payment_id = request.PaymentId },
        }, cancellationToken);
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

    /// <summary>
    /// <c>GET /orders/{id}/payments</c>: paid when a payment of the order was captured (a later refund does not undo
    /// that it was), failed when every attempt failed, open otherwise (an authorised payment is not yet captured).
    /// </summary>
    public async Task<GatewayOrderStatus> GetOrderStatusAsync(string orderId, CancellationToken cancellationToken)
    {
        var payments = await SendAsync<RazorpayCollection>(HttpMethod.Get, $"orders/{Uri.EscapeDataString(orderId)}/payments", null, cancellationToken);
        var captured = payments.Items.FirstOrDefault(p => p.Status is "captured" or "refunded" && p.OrderId == orderId);
        if (captured is not null)
        {
            return GatewayOrderStatus.Paid(new GatewayCharge(captured.Id, captured.Amount, captured.Currency ?? ""));
        }

        return payments.Items.Count > 0 && payments.Items.All(p => p.Status == "failed") ? GatewayOrderStatus.Failed : GatewayOrderStatus.Open;
    }

    /// <summary><c>GET /payments/{id}/refunds</c>: a processed or pending refund before a failed one.</summary>
    public async Task<GatewayRefund?> FindRefundAsync(string gatewayPaymentId, CancellationToken cancellationToken)
    {
        var refunds = await SendAsync<RazorpayCollection>(HttpMethod.Get, $"payments/{Uri.EscapeDataString(gatewayPaymentId)}/refunds", null, cancellationToken);
        return refunds.Items.Select(r => new GatewayRefund(r.Id, RefundState(r.Status)))
            .OrderBy(r => r.State == GatewayRefundState.Failed).FirstOrDefault();
    }

    /// <summary><c>POST /payments/{id}/refund</c>; the key goes as the refund's receipt, so a lost answer is found by <see cref="FindRefundAsync"/>.</summary>
    public async Task<GatewayRefund> RefundAsync(
        string gatewayPaymentId, long amount, string currency, string idempotencyKey, CancellationToken cancellationToken)
    {
        var refund = await SendAsync<RazorpayEntity>(HttpMethod.Post, $"payments/{Uri.EscapeDataString(gatewayPaymentId)}/refund",
            new { amount, receipt = idempotencyKey.Length <= 40 ? idempotencyKey : idempotencyKey[..40] }, cancellationToken);
        return new GatewayRefund(refund.Id, RefundState(refund.Status));
    }

    private static GatewayRefundState RefundState(string? status) => status switch
    {
        "processed" => GatewayRefundState.Processed,
        "failed" => GatewayRefundState.Failed,
        _ => GatewayRefundState.Pending,
    };

    /// <summary>One call to the API: a failure to reach it, a time-out or a 5xx is a <see cref="PaymentGatewayException"/>.</summary>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await http.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                throw new PaymentGatewayException($"Razorpay answered {(int)response.StatusCode} to {method} {path}.");
            }

            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new HttpRequestException($"Razorpay answered {method} {path} without a body.");
        }
        catch (Exception exception) when (exception is HttpRequestException { StatusCode: null } or TimeoutException
            or Polly.Timeout.TimeoutRejectedException or TaskCanceledException { InnerException: TimeoutException }
            && !cancellationToken.IsCancellationRequested)
        {
            throw new PaymentGatewayException($"Razorpay did not answer {method} {path}.", exception);
        }
    }

    private sealed record RazorpayEntity(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("order_id")] string? OrderId = null,
        [property: JsonPropertyName("amount")] long Amount = 0,
        [property: JsonPropertyName("currency")] string? Currency = null);

    private sealed record RazorpayCollection([property: JsonPropertyName("items")] IReadOnlyList<RazorpayEntity> Items);
}
