using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Payments;

public abstract record PaymentOutcome
{
    private PaymentOutcome()
    {
    }

    public sealed record Started(Payment Payment, IReadOnlyDictionary<string, string> Checkout) : PaymentOutcome;

    public sealed record Settled(Booking Booking) : PaymentOutcome;

    public sealed record NotFound : PaymentOutcome;

    public sealed record BadSignature : PaymentOutcome;

    public sealed record Conflict(string Title, string Detail) : PaymentOutcome;
}

public enum WebhookOutcome
{
    Handled,
    Duplicate,
    BadSignature,
    Malformed,
}

/// <summary>
/// Payments and refunds at the configured gateway, and what they do to bookings. Money moves only on what the gateway
/// itself reports when asked: a signed message is a reason to ask, not proof of payment. Every payment and booking
/// status change is a guarded update, and every debt (a refund owed) is recorded in the transaction of the change
/// that owes it, so a webhook, a client's verification, a cancellation, the expiry sweeper and the reconciler racing
/// each other, or any of them failing half-way, settle each payment once.
/// </summary>
public sealed partial class PaymentService(
    MovieBookingDb db,
    IPaymentGateway gateway,
    BookingService bookings,
    ShowFactsCache shows,
    WriteGate gate,
    CancellationQuotes cancellations,
    TimeProvider time,
    DomainEvents events,
    ILogger<PaymentService> logger)
{
    public async Task<PaymentOutcome> StartAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);
        if (booking is null)
        {
            return new PaymentOutcome.NotFound();
        }

        var now = time.GetUtcNow();
        if (booking.Status != BookingStatus.PendingPayment || booking.ExpiresAt <= now)
        {
            var status = booking.Status == BookingStatus.PendingPayment ? "past its expiry" : $"{BookingStatusNames.Of(booking.Status)}";
            return new PaymentOutcome.Conflict("Booking cannot be paid", $"Only a booking awaiting payment can be paid; this one is {status}.");
        }

        // The customer is at the checkout: their seats wait a little longer for them (once per booking).
        await bookings.ExtendForPaymentAsync(booking, cancellationToken);

        var paymentId = Guid.CreateVersion7();
        var order = await gateway.CreateOrderAsync(new OrderRequest(paymentId, bookingId, booking.Total, booking.Currency), cancellationToken);
        var payment = new Payment
        {
            Id = paymentId,
            BookingId = bookingId,
            UserId = userId,
            Gateway = gateway.Name,
            OrderId = order.OrderId,
            Amount = booking.Total,
            Currency = booking.Currency,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Payments.Add(payment);
        await db.SaveChangesAsync(cancellationToken);
        events.PaymentStarted(payment.Id, bookingId, payment.Gateway, payment.OrderId, payment.Amount, payment.Currency);
        return new PaymentOutcome.Started(payment, order.Checkout);
    }

    /// <summary>
    /// The client's answer from the checkout. Its signature is checked against the order id we stored; then the gateway
    /// is asked what became of the order, and only money it reports captured confirms the booking.
    /// </summary>
    public async Task<PaymentOutcome> VerifyAsync(Guid userId, string orderId, string paymentId, string signature, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Gateway == gateway.Name && p.OrderId == orderId && p.UserId == userId, cancellationToken);
        if (payment is null)
        {
            return new PaymentOutcome.NotFound();
        }

        if (!await gateway.VerifyCheckoutAsync(payment.OrderId, paymentId, signature, cancellationToken))
        {
            return new PaymentOutcome.BadSignature();
        }

        // Settled already (the gateway's webhook usually arrives first): the gateway is not asked again.
        if (payment.Status is PaymentStatus.Captured or PaymentStatus.RefundPending or PaymentStatus.Refunded)
        {
            return new PaymentOutcome.Settled(await BookingAsync(payment.BookingId, cancellationToken));
        }

        return await CheckOrderAsync(payment, cancellationToken) switch
        {
            GatewayOrderState.Paid => new PaymentOutcome.Settled(await BookingAsync(payment.BookingId, cancellationToken)),
            GatewayOrderState.Failed => new PaymentOutcome.Conflict("Payment failed",
                "The gateway reports that the payment failed; nothing was charged. Start a new payment while the booking awaits one."),
            _ => new PaymentOutcome.Conflict("Payment not captured yet",
                "The gateway has not captured this order yet; the booking is confirmed as soon as it does."),
        };
    }

    /// <summary>
    /// A gateway's webhook: verified over the raw body and handled once per event id. An event about a payment makes
    /// the service ask the gateway for the order's state; an event the gateway's records do not bear out yet is not
    /// recorded, so the gateway's next delivery is acted on.
    /// </summary>
    public async Task<WebhookOutcome> HandleWebhookAsync(byte[] body, IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        if (!gateway.VerifyWebhook(body, headers))
        {
            return WebhookOutcome.BadSignature;
        }

        if (gateway.ReadWebhook(body, headers) is not { } received)
        {
            return WebhookOutcome.Malformed;
        }

        if (await db.PaymentEvents.AnyAsync(e => e.Gateway == gateway.Name && e.EventId == received.EventId, cancellationToken))
        {
            return WebhookOutcome.Duplicate;
        }

        var payment = received.Kind == GatewayEventKind.RefundProcessed
            ? await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Gateway == gateway.Name && p.GatewayPaymentId == received.PaymentId, cancellationToken)
            : await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Gateway == gateway.Name && p.OrderId == received.OrderId, cancellationToken);
        var borneOut = true;
        if (payment is null)
        {
            LogUnknownEvent(logger, received.EventId, received.Type);
        }
        else
        {
            switch (received.Kind)
            {
                case GatewayEventKind.PaymentCaptured:
                    borneOut = await CheckOrderAsync(payment, cancellationToken) == GatewayOrderState.Paid;
                    break;
                case GatewayEventKind.PaymentFailed:
                    borneOut = await CheckOrderAsync(payment, cancellationToken) != GatewayOrderState.Open;
                    break;
                case GatewayEventKind.RefundProcessed:
                    await SendRefundAsync(payment.Id, cancellationToken);
                    break;
            }
        }

        if (!borneOut)
        {
            LogEventNotBorneOut(logger, received.EventId, received.Type, payment!.OrderId);
            return WebhookOutcome.Handled;
        }

        db.PaymentEvents.Add(new PaymentEvent { Gateway = gateway.Name, EventId = received.EventId, Type = received.Type, ReceivedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same event handled concurrently: every step above is guarded, so it acted once.
            db.ChangeTracker.Clear();
        }

        return WebhookOutcome.Handled;
    }

    /// <summary>
    /// Asks the gateway what became of the payment's order and acts on it: money captured is settled, a failure fails
    /// the payment (never after a capture). Returns the gateway's answer.
    /// </summary>
    private async Task<GatewayOrderState> CheckOrderAsync(Payment payment, CancellationToken cancellationToken)
    {
        var status = await gateway.GetOrderStatusAsync(payment.OrderId, cancellationToken);
        switch (status.State)
        {
            case GatewayOrderState.Paid when status.Charge is { } charge:
                if (charge.Amount != payment.Amount || !string.Equals(charge.Currency, payment.Currency, StringComparison.OrdinalIgnoreCase))
                {
                    LogAmountMismatch(logger, payment.Id, payment.OrderId, charge.Amount, charge.Currency, payment.Amount, payment.Currency);
                    return GatewayOrderState.Open;
                }

                await CaptureAsync(payment, charge.PaymentId, cancellationToken);
                return GatewayOrderState.Paid;
            case GatewayOrderState.Failed:
                await FailAsync(payment, cancellationToken);
                return GatewayOrderState.Failed;
            default:
                return GatewayOrderState.Open;
        }
    }

    private async Task CaptureAsync(Payment payment, string gatewayPaymentId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var captured = await db.Payments
            .Where(p => p.Id == payment.Id && (p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Failed))
            .ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, PaymentStatus.Settling)
                .SetProperty(x => x.GatewayPaymentId, gatewayPaymentId)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (captured == 0)
        {
            // Captured by this event's twin or the client's verification; let its settlement finish before answering.
            await AwaitSettlementAsync(payment.BookingId, cancellationToken);
            return;
        }

        events.PaymentCaptured(payment.Id, payment.BookingId);
        await SettleAsync(payment, cancellationToken);
    }

    /// <summary>
    /// Settles a captured payment (status SETTLING): it confirms its booking from whatever unpaid status the booking
    /// is in if every seat can still be sold to it; otherwise the booking is cancelled owing the payment back in full,
    /// in one transaction, and the refund is sent. Safe to run again after a crash: the booking records the payment
    /// that confirmed it.
    /// </summary>
    public async Task SettleAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, cancellationToken);
        if (payment.Status == PaymentStatus.Settling)
        {
            await SettleAsync(payment, cancellationToken);
        }
    }

    /// <summary>Settles <paramref name="payment"/>, which is SETTLING (its own status as read may be older).</summary>
    private async Task SettleAsync(Payment payment, CancellationToken cancellationToken)
    {
        var paymentId = payment.Id;

        // The booking may move under us (the sweeper, another payment); try again from where it is.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var booking = await BookingAsync(payment.BookingId, cancellationToken);
            if (booking.Status == BookingStatus.Confirmed && booking.PaymentId == paymentId)
            {
                await MarkSettledAsync(paymentId, cancellationToken);
                return;
            }

            if (booking.Status is BookingStatus.Confirmed or BookingStatus.Refunded || booking.RefundAmount is not null || booking.Total != payment.Amount)
            {
                // Paid by another payment, cancelled after payment, or repriced after this payment started (an offer or
                // food changed its total): this one does not pay it, and is owed back alone; the booking stays as it is.
                if (await OweRefundAsync(paymentId, payment.Amount, cancellationToken))
                {
                    events.RefundOwed(paymentId, payment.BookingId, payment.Amount);
                    await TrySendRefundAsync(paymentId, cancellationToken);
                }

                return;
            }

            if (await bookings.ConfirmAsync(booking, booking.Status, paymentId, cancellationToken, paid: payment.Amount))
            {
                await MarkSettledAsync(paymentId, cancellationToken);
                return;
            }

            if (await OweUnsoldRefundAsync(booking, payment, cancellationToken))
            {
                events.BookingCancelled(booking.Id, payment.Amount);
                events.RefundOwed(paymentId, booking.Id, payment.Amount);
                await TrySendRefundAsync(paymentId, cancellationToken);
                return;
            }
        }

        LogBookingKeptChanging(logger, paymentId, payment.BookingId);
    }

    private Task<int> MarkSettledAsync(Guid paymentId, CancellationToken cancellationToken) =>
        db.Payments
            .Where(p => p.Id == paymentId && p.Status == PaymentStatus.Settling)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Captured).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken);

    private async Task AwaitSettlementAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100 && await db.Payments.AnyAsync(p => p.BookingId == bookingId && p.Status == PaymentStatus.Settling, cancellationToken); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private async Task FailAsync(Payment payment, CancellationToken cancellationToken)
    {
        var failed = await db.Payments
            .Where(p => p.Id == payment.Id && p.Status == PaymentStatus.Created)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Failed).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken);
        if (failed == 1)
        {
            events.PaymentFailed(payment.Id, payment.BookingId);
            await bookings.FailAsync(payment.BookingId, cancellationToken);
        }
    }

    private async Task<Booking> BookingAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstAsync(b => b.Id == bookingId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({Type}) names no payment of ours; acknowledged and ignored")]
    private static partial void LogUnknownEvent(ILogger logger, string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({Type}) is not borne out by the gateway's record of order {OrderId} yet; not recorded, so a later delivery acts")]
    private static partial void LogEventNotBorneOut(ILogger logger, string eventId, string type, string orderId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Payment {PaymentId}: the gateway reports order {OrderId} paid with {ChargedAmount} {ChargedCurrency}, not {Amount} {Currency}; not confirmed, needs a person")]
    private static partial void LogAmountMismatch(ILogger logger, Guid paymentId, string orderId, long chargedAmount, string chargedCurrency, long amount, string currency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId} was captured but its booking {BookingId} kept changing; the reconciler tries again")]
    private static partial void LogBookingKeptChanging(ILogger logger, Guid paymentId, Guid bookingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: the gateway did not answer; the reconciler asks again")]
    private static partial void LogGatewayUnavailable(ILogger logger, Guid paymentId, Exception exception);
}
