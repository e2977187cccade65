using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;

namespace MovieBooking.Api.Payments;

/// <summary>The reconciler's part: every payment a fault left half done, driven to a final state by asking the gateway.</summary>
public sealed partial class PaymentService
{
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
                // The booking's status and its message commit together.
                using var passage = await gate.EnterAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await bookings.CompleteRefundAsync(debt.BookingId, debt.PaymentId, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
    }
}
