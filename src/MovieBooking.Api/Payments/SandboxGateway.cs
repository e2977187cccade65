using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Payments;

/// <summary>
/// The built-in stand-in for a real gateway, needing no account. It signs like Razorpay: a successful checkout answer
/// carries the hex HMAC-SHA256 of <c>orderId|paymentId</c> under the key secret (a failed one carries none), and a
/// webhook carries the hex HMAC-SHA256 of its raw body under the webhook secret in <c>X-Signature</c>. It keeps its own
/// books (orders, captures, refunds, webhooks owed), answers status queries from them, refunds at once, and fails on
/// demand (<see cref="SandboxFaults"/>).
/// </summary>
public sealed class SandboxGateway(IServiceScopeFactory scopes, SandboxFaults faults, IOptions<PaymentOptions> options, TimeProvider time)
    : IPaymentGateway
{
    public const string GatewayName = "sandbox";
    public const string SignatureHeader = "X-Signature";

    public string Name => GatewayName;

    private SandboxSettings Settings => options.Value.Sandbox;

    public async Task<GatewayOrder> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fault = faults.Next(SandboxStep.CreateOrder);
        SandboxFaults.ThrowIfFailingBefore(SandboxStep.CreateOrder, fault);
        var order = new SandboxOrder { OrderId = NewId("order"), Amount = request.Amount, Currency = request.Currency, CreatedAt = time.GetUtcNow() };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
            db.SandboxOrders.Add(order);
            await db.SaveChangesAsync(cancellationToken);
        }

        SandboxFaults.ThrowIfAnswerLost(SandboxStep.CreateOrder, fault);
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

    public async Task<GatewayOrderStatus> GetOrderStatusAsync(string orderId, CancellationToken cancellationToken)
    {
        SandboxFaults.ThrowIfFailingBefore(SandboxStep.Status, faults.Next(SandboxStep.Status));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var order = await db.SandboxOrders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        return order?.Status switch
        {
            SandboxOrderStatus.Paid => GatewayOrderStatus.Paid(new GatewayCharge(order.PaymentId!, order.Amount, order.Currency)),
            SandboxOrderStatus.Failed => GatewayOrderStatus.Failed,
            _ => GatewayOrderStatus.Open,
        };
    }

    public async Task<GatewayRefund?> FindRefundAsync(string gatewayPaymentId, CancellationToken cancellationToken)
    {
        SandboxFaults.ThrowIfFailingBefore(SandboxStep.Status, faults.Next(SandboxStep.Status));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var refund = await db.SandboxRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.PaymentId == gatewayPaymentId, cancellationToken);
        return refund is null ? null : new GatewayRefund(refund.RefundId, GatewayRefundState.Processed);
    }

    /// <summary>
    /// Refunds a captured payment at once. Like a gateway, it refuses money it never took and a second refund of the
    /// same payment; the same idempotency key gets the same refund again.
    /// </summary>
    public async Task<GatewayRefund> RefundAsync(
        string gatewayPaymentId, long amount, string currency, string idempotencyKey, CancellationToken cancellationToken)
    {
        var fault = faults.Next(SandboxStep.Refund);
        SandboxFaults.ThrowIfFailingBefore(SandboxStep.Refund, fault);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var refund = await db.SandboxRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, cancellationToken);
        if (refund is null)
        {
            var order = await db.SandboxOrders.AsNoTracking()
                .FirstOrDefaultAsync(o => o.PaymentId == gatewayPaymentId && o.Status == SandboxOrderStatus.Paid, cancellationToken)
                ?? throw new InvalidOperationException($"The sandbox gateway refuses to refund {gatewayPaymentId}: it captured no such payment.");
            if (amount <= 0 || amount > order.Amount || currency != order.Currency)
            {
                throw new InvalidOperationException($"The sandbox gateway refuses a refund of {amount} {currency} of a payment of {order.Amount} {order.Currency}.");
            }

            refund = new SandboxRefund
            {
                RefundId = NewId("rfnd"),
                PaymentId = gatewayPaymentId,
                OrderId = order.OrderId,
                Amount = amount,
                Currency = currency,
                IdempotencyKey = idempotencyKey,
                CreatedAt = time.GetUtcNow(),
            };
            db.SandboxRefunds.Add(refund);
            db.SandboxWebhooks.AddRange(Webhooks(order.OrderId, "refund.processed", new
            {
                refund = new { entity = new { id = refund.RefundId, payment_id = gatewayPaymentId, amount, currency, status = "processed" } },
            }));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // One refund per payment: a racing request with the same key made it; any other key is a second refund.
                db.ChangeTracker.Clear();
                refund = await db.SandboxRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.PaymentId == gatewayPaymentId, cancellationToken);
                if (refund?.IdempotencyKey != idempotencyKey)
                {
                    throw new InvalidOperationException($"The sandbox gateway refuses a second refund of {gatewayPaymentId}.");
                }
            }
        }

        SandboxFaults.ThrowIfAnswerLost(SandboxStep.Refund, fault);
        return new GatewayRefund(refund.RefundId, GatewayRefundState.Processed);
    }

    /// <summary>
    /// Plays the hosted checkout: the order is paid or the attempt fails, and the webhook about it is queued in the same
    /// transaction. Paying a paid order again answers the same signed payment, so a client whose answer was lost can ask
    /// again. Null for an unknown order.
    /// </summary>
    public async Task<SandboxPayment?> PayAsync(string orderId, bool success, CancellationToken cancellationToken)
    {
        var fault = faults.Next(SandboxStep.Capture);
        SandboxFaults.ThrowIfFailingBefore(SandboxStep.Capture, fault);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var order = await db.SandboxOrders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        SandboxPayment answer;
        if (order.Status == SandboxOrderStatus.Paid)
        {
            answer = Captured(order.OrderId, order.PaymentId!);
        }
        else
        {
            var paymentId = NewId("pay");
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.SandboxOrders
                .Where(o => o.OrderId == orderId && o.Status != SandboxOrderStatus.Paid)
                .ExecuteUpdateAsync(o => o
                    .SetProperty(x => x.Status, success ? SandboxOrderStatus.Paid : SandboxOrderStatus.Failed)
                    .SetProperty(x => x.PaymentId, success ? paymentId : null), cancellationToken);
            if (moved == 0)
            {
                // Paid meanwhile by a racing checkout: that payment is the answer.
                await transaction.RollbackAsync(cancellationToken);
                var paidBy = await db.SandboxOrders.Where(o => o.OrderId == orderId).Select(o => o.PaymentId).FirstAsync(cancellationToken);
                answer = Captured(orderId, paidBy!);
            }
            else
            {
                db.SandboxWebhooks.AddRange(Webhooks(orderId, success ? "payment.captured" : "payment.failed", new
                {
                    payment = new
                    {
                        entity = new { id = paymentId, order_id = orderId, amount = order.Amount, currency = order.Currency, status = success ? "captured" : "failed" },
                    },
                }));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                answer = success ? Captured(orderId, paymentId) : new SandboxPayment(orderId, paymentId, "failed", null);
            }
        }

        SandboxFaults.ThrowIfAnswerLost(SandboxStep.Capture, fault);
        return answer;
    }

    public string SignWebhook(ReadOnlySpan<byte> body) => HmacSignature.Sign(Settings.WebhookSecret!, body);

    private SandboxPayment Captured(string orderId, string paymentId) =>
        new(orderId, paymentId, "captured", HmacSignature.Sign(Settings.KeySecret!, $"{orderId}|{paymentId}"));

    /// <summary>The webhook rows of one event: none when told to lose it, two when told to send it twice.</summary>
    private List<SandboxWebhook> Webhooks(string orderId, string type, object payload)
    {
        var eventId = NewId("evt");
        var body = JsonSerializer.Serialize(new { id = eventId, @event = type, created_at = time.GetUtcNow().ToUnixTimeSeconds(), payload });
        var now = time.GetUtcNow();
        var fault = faults.NextWebhook();
        var copies = fault?.Fault switch
        {
            WebhookFault.Lose => 0,
            WebhookFault.Duplicate => 2,
            _ => 1,
        };
        var due = fault?.Fault == WebhookFault.Delay ? now + fault.Value.Delay : now;
        return [.. Enumerable.Range(0, copies).Select(_ => new SandboxWebhook { EventId = eventId, OrderId = orderId, Body = body, DueAt = due })];
    }

    private static string NewId(string prefix) =>
        $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
}

/// <summary>The sandbox checkout's answer: the payment, its status, and the signature a successful one carries.</summary>
public sealed record SandboxPayment(string OrderId, string PaymentId, string Status, string? Signature);
