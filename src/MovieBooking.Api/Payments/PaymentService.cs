using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;
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
/// Payments and refunds at the configured gateway, and what they do to bookings. Every payment and booking status
/// change is a guarded update, so a webhook, a client's verification and the expiry sweeper racing each other
/// settle a booking once.
/// </summary>
public sealed class PaymentService(
    MovieBookingDb db,
    IPaymentGateway gateway,
    BookingService bookings,
    ShowFactsCache shows,
    IOptions<PaymentOptions> payments,
    IOptions<BookingOptions> bookingOptions,
    TimeProvider time,
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
        return new PaymentOutcome.Started(payment, order.Checkout);
    }

    /// <summary>The client's proof of payment from the checkout, checked against the order id we stored.</summary>
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

        await CaptureAsync(payment, paymentId, cancellationToken);
        return new PaymentOutcome.Settled(await BookingAsync(payment.BookingId, cancellationToken));
    }

    /// <summary>A gateway's webhook: verified over the raw body, handled once per event id.</summary>
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
        if (payment is null)
        {
            logger.LogWarning("Webhook {EventId} ({Type}) names no payment of ours; acknowledged and ignored.", received.EventId, received.Type);
        }
        else
        {
            switch (received.Kind)
            {
                case GatewayEventKind.PaymentCaptured when received.PaymentId is not null:
                    await CaptureAsync(payment, received.PaymentId, cancellationToken);
                    break;
                case GatewayEventKind.PaymentFailed:
                    await FailAsync(payment, cancellationToken);
                    break;
                case GatewayEventKind.RefundProcessed:
                    await CompleteRefundAsync(payment.Id, cancellationToken);
                    break;
            }
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
    /// A customer cancels: an unpaid booking frees its seats; a confirmed one, until the cutoff before the show, frees
    /// its seats and is refunded by the policy (seat prices in full; fee and its tax kept unless configured).
    /// </summary>
    public async Task<BookingOutcome> CancelAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await bookings.FindAsync(userId, bookingId, cancellationToken);
        if (booking is null)
        {
            return new BookingOutcome.NotFound();
        }

        if (booking.Status != BookingStatus.Confirmed)
        {
            return await bookings.CancelAsync(userId, bookingId, cancellationToken);
        }

        var show = await shows.GetAsync(booking.ShowId, cancellationToken);
        var cutoff = bookingOptions.Value.CancellationCutoff;
        if (show is not null && show.StartsAt - cutoff <= time.GetUtcNow())
        {
            return new BookingOutcome.Conflict("Too late to cancel",
                $"Bookings can be cancelled until {cutoff.TotalHours:0.##} hours before the show.");
        }

        var refund = payments.Value.RefundConvenienceFeeOnCancel ? booking.Total : booking.SeatTotal;
        if (!await bookings.UnsellAsync(bookingId, refund, "Cancelled by the customer.", cancellationToken))
        {
            return new BookingOutcome.Conflict("Booking cannot be cancelled", "The booking changed meanwhile; look at it again.");
        }

        await RefundPaidAsync(bookingId, refund, cancellationToken);
        return new BookingOutcome.Done((await bookings.FindAsync(userId, bookingId, cancellationToken))!);
    }

    /// <summary>A cancelled show: unpaid bookings are cancelled and paid ones refunded in full.</summary>
    public async Task SettleCancelledShowAsync(Guid showId, CancellationToken cancellationToken)
    {
        var affected = await db.Bookings.AsNoTracking()
            .Where(b => b.ShowId == showId && (b.Status == BookingStatus.PendingPayment || b.Status == BookingStatus.Confirmed))
            .Select(b => new { b.Id, b.UserId, b.Status, b.Total })
            .ToListAsync(cancellationToken);
        foreach (var booking in affected)
        {
            if (booking.Status == BookingStatus.PendingPayment)
            {
                await bookings.CancelAsync(booking.UserId, booking.Id, cancellationToken);
            }
            else if (await bookings.UnsellAsync(booking.Id, booking.Total, "The show was cancelled.", cancellationToken))
            {
                await RefundPaidAsync(booking.Id, booking.Total, cancellationToken);
            }
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

        await SettleAsync(payment.Id, cancellationToken);
    }

    /// <summary>
    /// Settles a captured payment (status SETTLING): it confirms its booking from whatever unpaid status the booking
    /// is in if every seat can still be sold to it, and is refunded otherwise. Safe to run again after a crash: the
    /// booking records the payment that confirmed it.
    /// </summary>
    public async Task SettleAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, cancellationToken);
        if (payment.Status != PaymentStatus.Settling)
        {
            return;
        }

        // The booking may move under us (the sweeper, another payment); try again from where it is.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var booking = await BookingAsync(payment.BookingId, cancellationToken);
            if (booking.Status == BookingStatus.Confirmed && booking.PaymentId == paymentId)
            {
                await MarkSettledAsync(paymentId, cancellationToken);
                return;
            }

            if (booking.Status == BookingStatus.Confirmed
                || booking.Status == BookingStatus.Refunded
                || (booking.Status == BookingStatus.Cancelled && booking.RefundAmount is not null))
            {
                // Paid by another payment, or cancelled after payment: this one is not needed.
                await RefundPaymentAsync(paymentId, payment.Amount, cancellationToken);
                return;
            }

            if (await bookings.ConfirmAsync(booking.Id, booking.Status, paymentId, cancellationToken))
            {
                await MarkSettledAsync(paymentId, cancellationToken);
                return;
            }

            var reason = "The seats were no longer free when the payment arrived; it is refunded in full.";
            if (await bookings.RefundUnsoldAsync(booking.Id, booking.Status, payment.Amount, reason, cancellationToken))
            {
                await RefundPaymentAsync(paymentId, payment.Amount, cancellationToken);
                return;
            }
        }

        logger.LogError("Payment {PaymentId} was captured but its booking {BookingId} kept changing; the reconciler tries again.", paymentId, payment.BookingId);
    }

    /// <summary>
    /// Finishes what a crash or an error interrupted: payments left settling, and refunds asked for but never sent
    /// to the gateway. Returns how many payments it looked at.
    /// </summary>
    public async Task<int> ReconcileAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - olderThan;
        var settling = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Settling && p.UpdatedAt <= before)
            .OrderBy(p => p.UpdatedAt).Select(p => p.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var id in settling)
        {
            await SettleAsync(id, cancellationToken);
        }

        var unsent = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.RefundPending && p.RefundId == null && p.UpdatedAt <= before)
            .OrderBy(p => p.UpdatedAt).Select(p => new { p.Id, p.RefundAmount }).Take(100).ToListAsync(cancellationToken);
        foreach (var refund in unsent)
        {
            await SendRefundAsync(refund.Id, refund.RefundAmount!.Value, cancellationToken);
        }

        return settling.Count + unsent.Count;
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
            await bookings.FailAsync(payment.BookingId, cancellationToken);
        }
    }

    /// <summary>Refunds the payment that confirmed the booking, settled or still settling.</summary>
    private async Task RefundPaidAsync(Guid bookingId, long amount, CancellationToken cancellationToken)
    {
        var paid = await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.PaymentId).FirstOrDefaultAsync(cancellationToken);
        if (paid is null)
        {
            logger.LogError("Booking {BookingId} was confirmed without a payment; no refund requested.", bookingId);
            return;
        }

        await RefundPaymentAsync(paid.Value, amount, cancellationToken);
    }

    private async Task RefundPaymentAsync(Guid paymentId, long amount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = await db.Payments
            .Where(p => p.Id == paymentId && (p.Status == PaymentStatus.Captured || p.Status == PaymentStatus.Settling))
            .ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, PaymentStatus.RefundPending)
                .SetProperty(x => x.RefundAmount, amount)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (claimed == 1)
        {
            await SendRefundAsync(paymentId, amount, cancellationToken);
        }
    }

    private async Task SendRefundAsync(Guid paymentId, long amount, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, cancellationToken);
        var refund = await gateway.RefundAsync(payment.GatewayPaymentId!, amount, payment.Currency, cancellationToken);
        await db.Payments.Where(p => p.Id == paymentId).ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundId, refund.RefundId), cancellationToken);
        if (refund.Completed)
        {
            await CompleteRefundAsync(paymentId, cancellationToken);
        }
    }

    private async Task CompleteRefundAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, cancellationToken);
        var completed = await db.Payments
            .Where(p => p.Id == paymentId && p.Status == PaymentStatus.RefundPending)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Refunded).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken);
        if (completed == 1)
        {
            await bookings.CompleteRefundAsync(payment.BookingId, cancellationToken);
        }
    }

    private async Task<Booking> BookingAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstAsync(b => b.Id == bookingId, cancellationToken);
}
