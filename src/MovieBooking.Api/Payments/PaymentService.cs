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
    /// A customer cancels: an unpaid booking frees its seats; a confirmed one, until the cutoff before the show and
    /// unless its ticket was admitted, frees its seats and owes a refund by the policy (seat prices in full; fee and its
    /// tax kept unless configured), recorded in the same transaction. The refund is sent at once when the gateway
    /// answers, else by the reconciler. Cancelling again gives the same answer and drives an unfinished refund on.
    /// </summary>
    public async Task<BookingOutcome> CancelAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await bookings.FindAsync(userId, bookingId, cancellationToken);
        if (booking is null)
        {
            return new BookingOutcome.NotFound();
        }

        if (booking.CancelledAt is not null)
        {
            if (booking.RefundAmount is not null)
            {
                // The first attempt may have failed after its commit, before the seats were reported free.
                await bookings.ResyncSoldSeatsAsync(booking.ShowId, cancellationToken);
            }

            if (booking is { Status: BookingStatus.Cancelled, RefundAmount: not null, PaymentId: { } owed })
            {
                await TrySendRefundAsync(owed, cancellationToken);
            }

            return new BookingOutcome.Done((await bookings.FindAsync(userId, bookingId, cancellationToken))!);
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
        var unsold = await bookings.UnsellAsync(bookingId, refund, "Cancelled by the customer.", byCustomer: true,
            (paymentId, ct) => OweRefundAsync(paymentId, refund, ct), cancellationToken);
        switch (unsold)
        {
            case UnsellResult.Admitted:
                return TicketAdmitted();
            case UnsellResult.NotConfirmed:
                return new BookingOutcome.Conflict("Booking cannot be cancelled", "The booking changed meanwhile; look at it again.");
        }

        await TrySendRefundAsync(booking.PaymentId!.Value, cancellationToken);
        return new BookingOutcome.Done((await bookings.FindAsync(userId, bookingId, cancellationToken))!);
    }

    /// <summary>A cancelled show: unpaid bookings are cancelled and paid ones refunded in full, admitted or not.</summary>
    public async Task SettleCancelledShowAsync(Guid showId, CancellationToken cancellationToken)
    {
        var affected = await db.Bookings.AsNoTracking()
            .Where(b => b.ShowId == showId && (b.Status == BookingStatus.PendingPayment || b.Status == BookingStatus.Confirmed))
            .Select(b => new { b.Id, b.UserId, b.Status, b.Total, b.PaymentId })
            .ToListAsync(cancellationToken);
        foreach (var booking in affected)
        {
            if (booking.Status == BookingStatus.PendingPayment)
            {
                await bookings.CancelAsync(booking.UserId, booking.Id, cancellationToken);
            }
            else if (await bookings.UnsellAsync(booking.Id, booking.Total, "The show was cancelled.", byCustomer: false,
                (paymentId, ct) => OweRefundAsync(paymentId, booking.Total, ct), cancellationToken) == UnsellResult.Done)
            {
                await TrySendRefundAsync(booking.PaymentId!.Value, cancellationToken);
            }
        }
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

        await SettleAsync(payment.Id, cancellationToken);
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

            if (booking.Status is BookingStatus.Confirmed or BookingStatus.Refunded || booking.RefundAmount is not null)
            {
                // Paid by another payment, or cancelled after payment: this one is not needed, and is owed back alone.
                if (await OweRefundAsync(paymentId, payment.Amount, cancellationToken))
                {
                    await TrySendRefundAsync(paymentId, cancellationToken);
                }

                return;
            }

            if (await bookings.ConfirmAsync(booking.Id, booking.Status, paymentId, cancellationToken))
            {
                await MarkSettledAsync(paymentId, cancellationToken);
                return;
            }

            if (await OweUnsoldRefundAsync(booking, payment, cancellationToken))
            {
                await TrySendRefundAsync(paymentId, cancellationToken);
                return;
            }
        }

        LogBookingKeptChanging(logger, paymentId, payment.BookingId);
    }

    /// <summary>
    /// Drives every payment left in a state that is not final to one, by asking the gateway: captures never settled
    /// (a lost webhook, a crash after the checkout), settlements interrupted, refunds owed and not confirmed. Each
    /// payment is claimed first, so with several instances one handles it. Returns how many payments it handled.
    /// </summary>
    public async Task<int> ReconcileAsync(ReconcilerTiming timing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timing);
        var now = time.GetUtcNow();
        var before = now - timing.StrandedAfter;
        var lateSince = now - timing.LatePayments;
        await RepairDebtsAsync(cancellationToken);
        var due = await db.Payments.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Settling || p.Status == PaymentStatus.RefundPending
                    || (p.Status == PaymentStatus.Failed && p.CreatedAt >= lateSince))
                && p.UpdatedAt <= before && (p.NextCheckAt == null || p.NextCheckAt <= now))
            .OrderBy(p => p.UpdatedAt).Take(100)
            .ToListAsync(cancellationToken);
        var handled = 0;
        foreach (var payment in due)
        {
            var claimed = await db.Payments
                .Where(p => p.Id == payment.Id && (p.NextCheckAt == null || p.NextCheckAt <= now))
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.NextCheckAt, now + timing.Claim), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            handled++;
            try
            {
                await ReconcileOneAsync(payment, timing, cancellationToken);
            }
            catch (PaymentGatewayException exception)
            {
                // Claimed until the next round, when the gateway is asked again.
                LogGatewayUnavailable(logger, payment.Id, exception);
            }
        }

        return handled;
    }

    private async Task ReconcileOneAsync(Payment payment, ReconcilerTiming timing, CancellationToken cancellationToken)
    {
        switch (payment.Status)
        {
            case PaymentStatus.Created or PaymentStatus.Failed:
                if (await CheckOrderAsync(payment, cancellationToken) != GatewayOrderState.Paid)
                {
                    if (payment.Status == PaymentStatus.Created)
                    {
                        await AbandonIfUnpayableAsync(payment, timing, cancellationToken);
                    }

                    // Nobody paid yet: asked again after a time that grows with the order's age.
                    var now = time.GetUtcNow();
                    await db.Payments.Where(p => p.Id == payment.Id)
                        .ExecuteUpdateAsync(p => p.SetProperty(x => x.NextCheckAt, now + timing.NextLookAt(now - payment.CreatedAt)), cancellationToken);
                }

                break;
            case PaymentStatus.Settling:
                await SettleAsync(payment.Id, cancellationToken);
                break;
            case PaymentStatus.RefundPending:
                // A refund left owed may be a cancellation that failed after its commit, before the store heard that the
                // seats are free again: the store reads them from the database again.
                await bookings.ResyncSoldSeatsAsync(
                    await db.Bookings.Where(b => b.Id == payment.BookingId).Select(b => b.ShowId).FirstAsync(cancellationToken), cancellationToken);
                await SendRefundAsync(payment.Id, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// An order nobody paid, whose booking no longer awaits payment past its expiry, is given up (FAILED). A payment the
    /// gateway still captures later is settled from FAILED by its webhook, as any late payment, or else by the
    /// reconciler, which keeps asking about failed payments, less and less often, for <see cref="ReconcilerTiming.LatePayments"/>.
    /// </summary>
    private async Task AbandonIfUnpayableAsync(Payment payment, ReconcilerTiming timing, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == payment.BookingId)
            .Select(b => new { b.Status, b.ExpiresAt }).FirstAsync(cancellationToken);
        if (booking.Status != BookingStatus.PendingPayment && booking.ExpiresAt + timing.StrandedAfter <= time.GetUtcNow())
        {
            await db.Payments.Where(p => p.Id == payment.Id && p.Status == PaymentStatus.Created)
                .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Failed).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken);
        }
    }

    /// <summary>
    /// Debts recorded on a booking alone, as versions before the debt moved into the cancellation's transaction left
    /// them: a cancelled booking owing a refund whose payment is still CAPTURED is owed again; one whose payment was
    /// refunded is REFUNDED.
    /// </summary>
    private async Task RepairDebtsAsync(CancellationToken cancellationToken)
    {
        var stale = await (
            from booking in db.Bookings
            join payment in db.Payments on booking.PaymentId equals payment.Id
            where booking.Status == BookingStatus.Cancelled && booking.RefundAmount != null
                && (payment.Status == PaymentStatus.Captured || payment.Status == PaymentStatus.Refunded)
            select new { BookingId = booking.Id, PaymentId = payment.Id, payment.Status, Amount = booking.RefundAmount!.Value })
            .AsNoTracking().Take(100).ToListAsync(cancellationToken);
        foreach (var debt in stale)
        {
            if (debt.Status == PaymentStatus.Captured)
            {
                await OweRefundAsync(debt.PaymentId, debt.Amount, cancellationToken);
            }
            else
            {
                await bookings.CompleteRefundAsync(debt.BookingId, debt.PaymentId, cancellationToken);
            }
        }
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

    /// <summary>
    /// Records that a captured payment is owed back (CAPTURED or SETTLING → REFUND_PENDING with the amount). Run inside
    /// the transaction of the change that owes it when there is one. False when the payment was not captured.
    /// </summary>
    private async Task<bool> OweRefundAsync(Guid paymentId, long amount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.Payments
            .Where(p => p.Id == paymentId && (p.Status == PaymentStatus.Captured || p.Status == PaymentStatus.Settling))
            .ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, PaymentStatus.RefundPending)
                .SetProperty(x => x.RefundAmount, amount)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>A captured payment whose seats could not be sold: its booking is cancelled owing it back in full, in one transaction.</summary>
    private async Task<bool> OweUnsoldRefundAsync(Booking booking, Payment payment, CancellationToken cancellationToken)
    {
        const string reason = "The seats were no longer free when the payment arrived; it is refunded in full.";
        using var passage = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await bookings.CancelOwingAsync(booking.Id, booking.Status, payment.Id, payment.Amount, reason, cancellationToken)
            || !await OweRefundAsync(payment.Id, payment.Amount, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Sends an owed refund; a gateway that does not answer leaves it to the reconciler.</summary>
    private async Task TrySendRefundAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        try
        {
            await SendRefundAsync(paymentId, cancellationToken);
        }
        catch (PaymentGatewayException exception)
        {
            LogGatewayUnavailable(logger, paymentId, exception);
        }
    }

    /// <summary>
    /// Drives a refund owed (REFUND_PENDING) on: the gateway is asked first whether it already made one (an answer
    /// lost to a time-out), else asked to refund under a key of this payment; a refund the gateway reports processed
    /// completes the payment and its booking together.
    /// </summary>
    private async Task SendRefundAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, cancellationToken);
        if (payment.Status != PaymentStatus.RefundPending)
        {
            return;
        }

        var refund = await gateway.FindRefundAsync(payment.GatewayPaymentId!, cancellationToken);
        if (refund is null or { State: GatewayRefundState.Failed })
        {
            var key = refund is null ? $"refund-{payment.Id:N}" : $"refund-{payment.Id:N}-{refund.RefundId}";
            refund = await gateway.RefundAsync(payment.GatewayPaymentId!, payment.RefundAmount!.Value, payment.Currency, key, cancellationToken);
        }

        await db.Payments.Where(p => p.Id == paymentId && p.Status == PaymentStatus.RefundPending)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.RefundId, refund.RefundId), cancellationToken);
        if (refund.State == GatewayRefundState.Processed)
        {
            await CompleteRefundAsync(payment, cancellationToken);
        }
    }

    /// <summary>The payment and the booking it was owed to reach REFUNDED together, in one transaction.</summary>
    private async Task CompleteRefundAsync(Payment payment, CancellationToken cancellationToken)
    {
        using var passage = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var completed = await db.Payments
            .Where(p => p.Id == payment.Id && p.Status == PaymentStatus.RefundPending)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Refunded).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken);
        if (completed == 1)
        {
            await bookings.CompleteRefundAsync(payment.BookingId, payment.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<Booking> BookingAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstAsync(b => b.Id == bookingId, cancellationToken);

    private static BookingOutcome.Conflict TicketAdmitted() =>
        new("Ticket already used", "The ticket was admitted at the door; an admitted booking cannot be cancelled.");

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
