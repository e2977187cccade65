using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Invoices;
using MovieBooking.Api.Notifications;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;
using MovieBooking.Api.Tickets;

namespace MovieBooking.Api.Bookings;

public abstract record BookingOutcome
{
    private BookingOutcome()
    {
    }

    public sealed record Done(Booking Booking) : BookingOutcome;

    public sealed record NotFound : BookingOutcome;

    public sealed record Conflict(string Title, string Detail) : BookingOutcome;
}

/// <summary>
/// The booking lifecycle. Every status change is one guarded update (<c>WHERE status = expected</c>), so of two
/// racing events (a payment and the expiry sweeper, say) exactly one wins. Sales are settled here, in the database,
/// whatever store holds the seats.
/// </summary>
public sealed class BookingService(
    MovieBookingDb db,
    IHoldStore holds,
    ShowFactsCache shows,
    SeatChangeFeed changes,
    WriteGate gate,
    IOptions<BookingOptions> options,
    IOptions<TaxOptions> tax,
    TimeProvider time,
    DomainEvents events,
    IOptions<NotificationOptions> notifications,
    OutboxSignal outbox)
{
    private ConvenienceFee Fee => new(options.Value.ConvenienceFeePerTicket, options.Value.ConvenienceFeePercent);

    public async Task<BookingOutcome> CreateAsync(Guid userId, Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await holds.FindAsync(holdId, cancellationToken);
        if (hold is null || hold.UserId != userId)
        {
            return new BookingOutcome.NotFound();
        }

        // A hold already booked is refused by the store's claim or by the unique hold id below, so the common case
        // costs no query to look for it first.
        var now = time.GetUtcNow();
        if (!hold.IsLiveAt(now))
        {
            return new BookingOutcome.Conflict("Hold expired", "The hold has expired; hold the seats again.");
        }

        var show = await shows.GetAsync(hold.ShowId, cancellationToken);
        if (show is null || !show.IsBookableAt(now))
        {
            return new BookingOutcome.Conflict("Show not bookable", "The show has started or was cancelled.");
        }

        var tickets = hold.SeatIds.Order(SeatOrder.Instance).Select(seat => new TicketItem(seat, show.Seats[seat].Category, show.PriceOf(seat))).ToList();
        var booking = new Booking
        {
            UserId = userId,
            ShowId = hold.ShowId,
            HoldId = holdId,
            Currency = show.Currency,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = hold.ExpiresAt,
        };
        booking.Price(PriceCalculator.Quote(show.Currency, tickets, [], [], Fee, tax.Value));
        booking.Seats.AddRange(tickets.Select(ticket => new BookingSeat
        {
            BookingId = booking.Id,
            ShowId = hold.ShowId,
            SeatId = ticket.SeatId,
            Price = ticket.Price,
        }));
        if (!await holds.ClaimForBookingAsync(hold, now, cancellationToken))
        {
            return HoldAlreadyBooked();
        }

        db.Bookings.Add(booking);
        try
        {
            using var passage = await gate.EnterAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique hold id: a concurrent request booked this hold first.
            db.ChangeTracker.Clear();
            if (await db.Bookings.AnyAsync(b => b.HoldId == holdId, cancellationToken))
            {
                return HoldAlreadyBooked();
            }

            throw;
        }

        events.BookingCreated(booking.Id, booking.ShowId, userId, booking.Seats.Count, booking.Total, booking.Currency);
        return new BookingOutcome.Done(booking);
    }

    /// <summary>The user's own booking with its seats; anyone else's is not found.</summary>
    public Task<Booking?> FindAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken) =>
        db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);

    /// <summary>An unpaid booking is cancelled by its owner; its seats are free at once. Cancelling it again answers the same.</summary>
    public async Task<BookingOutcome> CancelAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await FindAsync(userId, bookingId, cancellationToken);
        if (booking is null)
        {
            return new BookingOutcome.NotFound();
        }

        if (booking.CancelledAt is null)
        {
            if (await MoveAsync(bookingId, BookingStatus.PendingPayment, BookingStatus.Cancelled, cancellationToken, cancelled: true))
            {
                events.BookingCancelled(bookingId, refundOwed: null);
            }
            else
            {
                var current = await db.Bookings.Where(b => b.Id == bookingId).Select(b => new { b.Status, b.CancelledAt }).FirstAsync(cancellationToken);
                if (current.CancelledAt is null)
                {
                    return new BookingOutcome.Conflict("Booking cannot be cancelled",
                        $"A booking in status {BookingStatusNames.Of(current.Status)} cannot be cancelled here.");
                }
            }
        }

        // Released again on a repeat, in case the first attempt failed after the status changed.
        await holds.ReleaseAsync(HoldOf(booking), cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return new BookingOutcome.Done((await FindAsync(userId, bookingId, cancellationToken))!);
    }

    /// <summary>
    /// Sells the booking's seats: PENDING_PAYMENT → CONFIRMED and its seats → BOOKED in one transaction that fails
    /// unless every seat is still free to sell to this booking. False when the booking was not pending or a seat was
    /// lost; nothing changes then.
    /// </summary>
    public Task<bool> ConfirmAsync(Guid bookingId, CancellationToken cancellationToken) =>
        ConfirmAsync(bookingId, BookingStatus.PendingPayment, null, cancellationToken);

    /// <summary>
    /// Sells the booking's seats if it still is in <paramref name="from"/>: a payment that arrives after the booking
    /// expired, failed or was cancelled unpaid confirms it only if every seat can still be sold to it. The ticket is
    /// issued in the same transaction.
    /// </summary>
    /// <param name="paid">The amount the payment took: the booking is confirmed only while its total is still that.</param>
    public async Task<bool> ConfirmAsync(Guid bookingId, BookingStatus from, Guid? paymentId, CancellationToken cancellationToken, long? paid = null)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        return booking is not null && await ConfirmAsync(booking, from, paymentId, cancellationToken, paid);
    }

    /// <summary>As the overload by id, for a booking (with its seats) the caller has just read.</summary>
    public async Task<bool> ConfirmAsync(Booking booking, BookingStatus from, Guid? paymentId, CancellationToken cancellationToken, long? paid = null)
    {
        ArgumentNullException.ThrowIfNull(booking);
        if (booking.Status != from || booking.RefundAmount is not null)
        {
            return false;
        }

        var hold = HoldOf(booking);
        var now = time.GetUtcNow();
        if ((await holds.SeatsTakenFromAsync(hold, now, cancellationToken)).Count > 0)
        {
            return false;
        }

        var seatIds = hold.SeatIds.ToList();
        using (var passage = await gate.EnterAsync(cancellationToken))
        {
            if (!await SellAsync(booking, from, paymentId, seatIds, now, paid, cancellationToken))
            {
                return false;
            }
        }

        await holds.MarkSoldAsync(hold, cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    private async Task<bool> SellAsync(
        Booking booking, BookingStatus from, Guid? paymentId, List<string> seatIds, DateTimeOffset now, long? paid, CancellationToken cancellationToken)
    {
        var bookingId = booking.Id;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await MoveAsync(bookingId, from, BookingStatus.Confirmed, cancellationToken, paymentId: paymentId, total: paid))
        {
            return false;
        }

        var sold = await db.ShowSeats
            .Where(s => s.ShowId == booking.ShowId && seatIds.Contains(s.SeatId))
            .Where(s => s.Status == SeatStatus.Available
                || (s.Status == SeatStatus.Held && (s.HoldId == booking.HoldId || s.HoldExpiresAt <= now)))
            .Where(s => db.Shows.Any(show => show.Id == s.ShowId && show.Status == ShowStatus.Scheduled))
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SeatStatus.Booked)
                .SetProperty(x => x.BookingId, bookingId)
                .SetProperty(x => x.HoldId, (Guid?)null)
                .SetProperty(x => x.HeldBy, (Guid?)null)
                .SetProperty(x => x.HoldExpiresAt, (DateTimeOffset?)null), cancellationToken);
        if (sold != seatIds.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        try
        {
            // The unique index over sold (show, seat) pairs is the last guard against a double sale.
            await db.BookingSeats.Where(s => s.BookingId == bookingId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, true), cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        if (!await db.Tickets.AnyAsync(t => t.BookingId == bookingId, cancellationToken))
        {
            db.Tickets.Add(new Ticket { BookingId = bookingId, IssuedAt = now });
        }

        // The confirmation's messages commit with it, or not at all.
        var startsAt = (await shows.GetAsync(booking.ShowId, cancellationToken))?.StartsAt ?? now;
        Outbox.BookingConfirmed(db, booking, startsAt, now, notifications.Value.ReminderBefore);
        await db.SaveChangesAsync(cancellationToken);
        await InvoiceNumbers.IssueAsync(db, bookingId, booking.ShowId, InvoiceKind.Invoice, now, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Written();
        events.BookingConfirmed(bookingId, paymentId);
        return true;
    }

    /// <summary>
    /// Takes back a confirmed booking's sale: CONFIRMED → CANCELLED with the refund it is owed, its seats free again,
    /// and the debt recorded by <paramref name="oweRefund"/> (given the payment that confirmed the booking), all in one
    /// transaction. A customer cannot take back a booking whose ticket was admitted; a cancelled show can.
    /// </summary>
    public async Task<UnsellResult> UnsellAsync(
        Guid bookingId, long refundAmount, string reason, bool byCustomer, Func<Guid, CancellationToken, Task<bool>> oweRefund,
        CancellationToken cancellationToken, CancellationTier? tier = null)
    {
        ArgumentNullException.ThrowIfNull(oweRefund);
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking?.PaymentId is not { } paymentId)
        {
            return UnsellResult.NotConfirmed;
        }

        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await MoveAsync(bookingId, BookingStatus.Confirmed, BookingStatus.Cancelled, cancellationToken, refundAmount, reason, cancelled: true, tier: tier))
            {
                return UnsellResult.NotConfirmed;
            }

            // Read after the booking row is ours: a check-in that committed first is seen here, and one that comes later
            // waits for this transaction and then finds the booking cancelled.
            if (byCustomer && await db.Tickets.AnyAsync(t => t.BookingId == bookingId && t.CheckedInAt != null, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return UnsellResult.Admitted;
            }

            if (!await oweRefund(paymentId, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                throw new InvalidOperationException($"Booking {bookingId} is confirmed but its payment {paymentId} is not captured.");
            }

            await db.ShowSeats
                .Where(s => s.ShowId == booking.ShowId && s.BookingId == bookingId && s.Status == SeatStatus.Booked)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SeatStatus.Available).SetProperty(x => x.BookingId, (Guid?)null), cancellationToken);
            await db.BookingSeats.Where(s => s.BookingId == bookingId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, false), cancellationToken);
            Outbox.BookingChanged(db, byCustomer ? NotificationKind.BookingCancelled : NotificationKind.ShowCancelled, booking.UserId, bookingId, time.GetUtcNow(), refundAmount);
            await db.SaveChangesAsync(cancellationToken);
            await InvoiceNumbers.IssueAsync(db, bookingId, booking.ShowId, InvoiceKind.CreditNote, time.GetUtcNow(), refundAmount, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        outbox.Written();

        await holds.ReturnSoldAsync(booking.ShowId, [.. booking.Seats.Select(s => s.SeatId)], cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return UnsellResult.Done;
    }

    /// <summary>
    /// Repeats what follows a committed cancellation of a sale, for a retry after a failure there: the store's memory of
    /// the show's sold seats is read again from the database, and watchers are told.
    /// </summary>
    public async Task ResyncSoldSeatsAsync(Guid showId, CancellationToken cancellationToken)
    {
        await holds.ForgetSoldAsync(showId, cancellationToken);
        changes.SeatsChanged(showId);
    }

    /// <summary>
    /// A booking that was never sold but whose payment was captured (its seats were gone) is cancelled owing
    /// <paramref name="paymentId"/> back. Joins the caller's transaction, which records the payment's side of the debt.
    /// </summary>
    public async Task<bool> CancelOwingAsync(
        Guid bookingId, BookingStatus from, Guid paymentId, long refundAmount, string reason, CancellationToken cancellationToken)
    {
        if (from is BookingStatus.Confirmed or BookingStatus.Refunded)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (await db.Bookings
                .Where(b => b.Id == bookingId && b.Status == from && b.RefundAmount == null)
                .ExecuteUpdateAsync(b => b
                    .SetProperty(x => x.Status, BookingStatus.Cancelled)
                    .SetProperty(x => x.RefundAmount, refundAmount)
                    .SetProperty(x => x.RefundReason, reason)
                    .SetProperty(x => x.PaymentId, paymentId)
                    .SetProperty(x => x.UpdatedAt, now), cancellationToken) != 1)
        {
            return false;
        }

        await TellAsync(NotificationKind.BookingCancelled, bookingId, refundAmount, cancellationToken);
        return true;
    }

    /// <summary>
    /// A cancelled booking whose refund the gateway completed becomes REFUNDED, when <paramref name="paymentId"/> is the
    /// payment it was owed. Joins the caller's transaction, which completes the payment.
    /// </summary>
    public async Task<bool> CompleteRefundAsync(Guid bookingId, Guid paymentId, CancellationToken cancellationToken)
    {
        if (await db.Bookings
                .Where(b => b.Id == bookingId && b.Status == BookingStatus.Cancelled && b.PaymentId == paymentId && b.RefundAmount != null)
                .ExecuteUpdateAsync(b => b.SetProperty(x => x.Status, BookingStatus.Refunded).SetProperty(x => x.UpdatedAt, time.GetUtcNow()), cancellationToken) != 1)
        {
            return false;
        }

        var refunded = await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.RefundAmount).FirstAsync(cancellationToken);
        await TellAsync(NotificationKind.RefundCompleted, bookingId, refunded, cancellationToken);
        return true;
    }

    /// <summary>Writes a message about the booking into the caller's transaction (so it commits with the change).</summary>
    private async Task TellAsync(NotificationKind kind, Guid bookingId, long? amount, CancellationToken cancellationToken)
    {
        var userId = await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.UserId).FirstAsync(cancellationToken);
        Outbox.BookingChanged(db, kind, userId, bookingId, time.GetUtcNow(), amount);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Written();
    }

    /// <summary>An unpaid booking whose payment failed becomes FAILED and its seats are free at once.</summary>
    public async Task<bool> FailAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || !await MoveTellingAsync(booking, BookingStatus.Failed, NotificationKind.PaymentFailed, cancellationToken))
        {
            return false;
        }

        events.BookingFailed(bookingId);
        await holds.ReleaseAsync(HoldOf(booking), cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    /// <summary>An unpaid booking past its expiry becomes EXPIRED and its seats are freed. False if it was not pending.</summary>
    public async Task<bool> ExpireAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || booking.ExpiresAt > time.GetUtcNow()
            || !await MoveTellingAsync(booking, BookingStatus.Expired, NotificationKind.BookingExpired, cancellationToken))
        {
            return false;
        }

        events.BookingExpired(bookingId);
        await holds.ReleaseAsync(HoldOf(booking), cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    /// <summary>An unpaid booking ends (<paramref name="to"/>) and its customer's message is written, in one transaction.</summary>
    private async Task<bool> MoveTellingAsync(Booking booking, BookingStatus to, NotificationKind kind, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await MoveAsync(booking.Id, BookingStatus.PendingPayment, to, cancellationToken))
            {
                return false;
            }

            Outbox.BookingChanged(db, kind, booking.UserId, booking.Id, time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        outbox.Written();
        return true;
    }

    /// <summary>One guarded update: the status changes only if it still is <paramref name="from"/>.</summary>
    private async Task<bool> MoveAsync(
        Guid bookingId, BookingStatus from, BookingStatus to, CancellationToken cancellationToken,
        long? refundAmount = null, string? refundReason = null, Guid? paymentId = null, bool cancelled = false, long? total = null,
        CancellationTier? tier = null)
    {
        if (!BookingLifecycle.CanMove(from, to))
        {
            throw new InvalidOperationException($"{from} → {to} is not a booking transition.");
        }

        var now = time.GetUtcNow();
        return await db.Bookings
            .Where(b => b.Id == bookingId && b.Status == from && (total == null || b.Total == total))
            .ExecuteUpdateAsync(b =>
            {
                b.SetProperty(x => x.Status, to).SetProperty(x => x.UpdatedAt, now);
                if (refundAmount is not null)
                {
                    b.SetProperty(x => x.RefundAmount, refundAmount).SetProperty(x => x.RefundReason, refundReason);
                }

                if (paymentId is not null)
                {
                    b.SetProperty(x => x.PaymentId, paymentId);
                }

                if (cancelled)
                {
                    b.SetProperty(x => x.CancelledAt, now);
                }

                if (tier is not null)
                {
                    b.SetProperty(x => x.CancellationTier, tier);
                }
            }, cancellationToken) == 1;
    }

    /// <summary>
    /// Gives an unpaid booking's seats more time as its customer starts paying, once per booking:
    /// <see cref="BookingOptions.PaymentExtension"/> more, but no more than <see cref="BookingOptions.MaxHold"/> from the
    /// hold (its start being the first expiry less <see cref="BookingOptions.HoldTtl"/>). The booking and the hold store
    /// move in one transaction (for the database store; Redis goes first inside it, and seats kept longer than their
    /// booking are freed with it by the sweeper). The new expiry, or null when nothing was extended.
    /// </summary>
    public async Task<DateTimeOffset?> ExtendForPaymentAsync(Booking booking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var cap = booking.ExpiresAt - settings.HoldTtl + settings.MaxHold;
        var wanted = booking.ExpiresAt + settings.PaymentExtension;
        // Whole milliseconds, as every store keeps expiries.
        var until = DateTimeOffset.FromUnixTimeMilliseconds((wanted < cap ? wanted : cap).ToUnixTimeMilliseconds());
        if (booking.HoldExtended || until <= booking.ExpiresAt || booking.ExpiresAt <= now)
        {
            return null;
        }

        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var extended = await db.Bookings
                .Where(b => b.Id == booking.Id && b.Status == BookingStatus.PendingPayment && !b.HoldExtended && b.ExpiresAt > now)
                .ExecuteUpdateAsync(b => b
                    .SetProperty(x => x.ExpiresAt, until)
                    .SetProperty(x => x.HoldExtended, true)
                    .SetProperty(x => x.UpdatedAt, now), cancellationToken);
            if (extended == 0)
            {
                return null;
            }

            await holds.ExtendAsync(new Hold(booking.HoldId, booking.ShowId, booking.UserId, [], booking.ExpiresAt), until, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Seat maps and streams read the later expiry, so the seats do not show as free at the earlier one.
        changes.SeatsChanged(booking.ShowId, announced: false);
        events.HoldExtended(booking.Id, booking.HoldId, until);
        return until;
    }

    private static Hold HoldOf(Booking booking) =>
        new(booking.HoldId, booking.ShowId, booking.UserId, [.. booking.Seats.Select(s => s.SeatId)], booking.ExpiresAt);

    private static BookingOutcome.Conflict HoldAlreadyBooked() =>
        new("Hold already booked", "This hold has already been turned into a booking.");
}

public enum UnsellResult
{
    Done,

    /// <summary>The booking was not confirmed (any more).</summary>
    NotConfirmed,

    /// <summary>Its ticket was admitted at the door.</summary>
    Admitted,
}

public static class BookingStatusNames
{
    public static string Of(BookingStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}
