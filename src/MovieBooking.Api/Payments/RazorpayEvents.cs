using System.Text.Json;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Reads Razorpay-style webhook bodies (the sandbox sends the same shape):
/// <c>{"event": "payment.captured", "payload": {"payment": {"entity": {"id", "order_id", …}}}}</c>.
/// </summary>
internal static class RazorpayEvents
{
    public static GatewayEvent? Read(ReadOnlySpan<byte> body, string? eventIdHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var type = root.GetProperty("event").GetString() ?? "";
            var eventId = eventIdHeader ?? (root.TryGetProperty("id", out var id) ? id.GetString() : null);
            if (string.IsNullOrEmpty(eventId))
            {
                return null;
            }

            var payload = root.TryGetProperty("payload", out var p) ? p : default;
            string? Entity(string name, string field) =>
                payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty(name, out var holder)
                && holder.TryGetProperty("entity", out var entity)
                && entity.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;

            return type switch
            {
                "payment.captured" => new GatewayEvent(eventId, type, GatewayEventKind.PaymentCaptured, Entity("payment", "order_id"), Entity("payment", "id"), null),
                "payment.failed" => new GatewayEvent(eventId, type, GatewayEventKind.PaymentFailed, Entity("payment", "order_id"), Entity("payment", "id"), null),
                "refund.processed" => new GatewayEvent(eventId, type, GatewayEventKind.RefundProcessed, null, Entity("refund", "payment_id"), Entity("refund", "id")),
                _ => new GatewayEvent(eventId, type, GatewayEventKind.Other, null, null, null),
            };
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
