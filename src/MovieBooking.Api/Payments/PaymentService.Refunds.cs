using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;

namespace MovieBooking.Api.Payments;

/// <summary>Cancellations and refunds: a debt recorded with the change that owes it, then sent and completed.</summary>
public sealed partial class PaymentService
{
    /// <summary>
    /// A customer cancels: an unpaid booking frees its seats; a confirmed one, while its theatre's cancellation policy
    /// allows and unless its ticket was admitted, frees its seats and owes the refund the policy quotes now (the tickets
    /// less the tier's fee, food in full; the convenience fee and its tax kept unless configured), recorded with its tier
    /// in the same transaction. The refund is sent at once when the gateway
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
        var quote = cancellations.Quote(booking, show!.StartsAt, await cancellations.PolicyForShowAsync(booking.ShowId, cancellationToken));
        if (!quote.Allowed)
        {
            return new BookingOutcome.Conflict("Too late to cancel", quote.Reason!);
        }

        var refund = quote.Refund;
        var unsold = await bookings.UnsellAsync(bookingId, refund, $"Cancelled by the customer, {quote.Tier!.Describe()}.", byCustomer: true,
            (paymentId, ct) => OweRefundAsync(paymentId, refund, ct), cancellationToken, quote.Tier);
        switch (unsold)
        {
            case UnsellResult.Admitted:
                return TicketAdmitted();
            case UnsellResult.NotConfirmed:
                return new BookingOutcome.Conflict("Booking cannot be cancelled", "The booking changed meanwhile; look at it again.");
        }

        events.BookingCancelled(bookingId, refund);
        events.RefundOwed(booking.PaymentId!.Value, bookingId, refund);
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
                events.BookingCancelled(booking.Id, booking.Total);
                events.RefundOwed(booking.PaymentId!.Value, booking.Id, booking.Total);
                await TrySendRefundAsync(booking.PaymentId!.Value, cancellationToken);
            }
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
        if (completed == 1)
        {
            events.RefundCompleted(payment.Id, payment.BookingId, payment.RefundId);
        }
    }

    private static BookingOutcome.Conflict TicketAdmitted() =>
        new("Ticket already used", "The ticket was admitted at the door; an admitted booking cannot be cancelled.");
}
