using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
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
    TimeProvider time)
{
    public async Task<BookingOutcome> CreateAsync(Guid userId, Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await holds.FindAsync(holdId, cancellationToken);
        if (hold is null || hold.UserId != userId)
        {
            return new BookingOutcome.NotFound();
        }

        if (await db.Bookings.AnyAsync(b => b.HoldId == holdId, cancellationToken))
        {
            return HoldAlreadyBooked();
        }

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

        var seatPrices = hold.SeatIds.Select(show.PriceOf).ToList();
        var price = PriceBreakdown.For(seatPrices, show.Currency, options.Value);
        var booking = new Booking
        {
            UserId = userId,
            ShowId = hold.ShowId,
            HoldId = holdId,
            Currency = price.Currency,
            SeatTotal = price.Seats,
            ConvenienceFee = price.ConvenienceFee,
            Tax = price.Tax,
            Total = price.Total,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = hold.ExpiresAt,
        };
        booking.Seats.AddRange(hold.SeatIds.Select((seat, i) => new BookingSeat
        {
            BookingId = booking.Id,
            ShowId = hold.ShowId,
            SeatId = seat,
            Price = seatPrices[i],
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

        return new BookingOutcome.Done(booking);
    }

    /// <summary>The user's own booking with its seats; anyone else's is not found.</summary>
    public Task<Booking?> FindAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken) =>
        db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);

    /// <summary>An unpaid booking is cancelled by its owner; its seats are free at once.</summary>
    public async Task<BookingOutcome> CancelAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await FindAsync(userId, bookingId, cancellationToken);
        if (booking is null)
        {
            return new BookingOutcome.NotFound();
        }

        if (!await MoveAsync(bookingId, BookingStatus.PendingPayment, BookingStatus.Cancelled, cancellationToken))
        {
            var current = await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.Status).FirstAsync(cancellationToken);
            return new BookingOutcome.Conflict("Booking cannot be cancelled",
                $"A booking in status {BookingStatusNames.Of(current)} cannot be cancelled here.");
        }

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
    public async Task<bool> ConfirmAsync(Guid bookingId, BookingStatus from, Guid? paymentId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || booking.Status != from || booking.RefundAmount is not null)
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
            if (!await SellAsync(booking, from, paymentId, seatIds, now, cancellationToken))
            {
                return false;
            }
        }

        await holds.MarkSoldAsync(hold, cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    private async Task<bool> SellAsync(
        Booking booking, BookingStatus from, Guid? paymentId, List<string> seatIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var bookingId = booking.Id;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await MoveAsync(bookingId, from, BookingStatus.Confirmed, cancellationToken, paymentId: paymentId))
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
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Takes back a confirmed booking's sale: CONFIRMED → CANCELLED with the refund it is owed, its seats free again,
    /// in one transaction. False when the booking was not confirmed.
    /// </summary>
    public async Task<bool> UnsellAsync(Guid bookingId, long refundAmount, string reason, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null)
        {
            return false;
        }

        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await MoveAsync(bookingId, BookingStatus.Confirmed, BookingStatus.Cancelled, cancellationToken, refundAmount, reason))
            {
                return false;
            }

            await db.ShowSeats
                .Where(s => s.ShowId == booking.ShowId && s.BookingId == bookingId && s.Status == SeatStatus.Booked)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SeatStatus.Available).SetProperty(x => x.BookingId, (Guid?)null), cancellationToken);
            await db.BookingSeats.Where(s => s.BookingId == bookingId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, false), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await holds.ReturnSoldAsync(booking.ShowId, [.. booking.Seats.Select(s => s.SeatId)], cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    /// <summary>A paid booking whose seats could not be sold to it ends REFUNDED, with the reason. False if it moved meanwhile.</summary>
    public Task<bool> RefundUnsoldAsync(Guid bookingId, BookingStatus from, long refundAmount, string reason, CancellationToken cancellationToken) =>
        MoveAsync(bookingId, from, BookingStatus.Refunded, cancellationToken, refundAmount, reason);

    /// <summary>A cancelled booking whose refund the gateway completed becomes REFUNDED.</summary>
    public Task<bool> CompleteRefundAsync(Guid bookingId, CancellationToken cancellationToken) =>
        MoveAsync(bookingId, BookingStatus.Cancelled, BookingStatus.Refunded, cancellationToken);

    /// <summary>An unpaid booking whose payment failed becomes FAILED and its seats are free at once.</summary>
    public async Task<bool> FailAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || !await MoveAsync(bookingId, BookingStatus.PendingPayment, BookingStatus.Failed, cancellationToken))
        {
            return false;
        }

        await holds.ReleaseAsync(HoldOf(booking), cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    /// <summary>An unpaid booking past its expiry becomes EXPIRED and its seats are freed. False if it was not pending.</summary>
    public async Task<bool> ExpireAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || booking.ExpiresAt > time.GetUtcNow()
            || !await MoveAsync(bookingId, BookingStatus.PendingPayment, BookingStatus.Expired, cancellationToken))
        {
            return false;
        }

        await holds.ReleaseAsync(HoldOf(booking), cancellationToken);
        changes.SeatsChanged(booking.ShowId);
        return true;
    }

    /// <summary>One guarded update: the status changes only if it still is <paramref name="from"/>.</summary>
    private async Task<bool> MoveAsync(
        Guid bookingId, BookingStatus from, BookingStatus to, CancellationToken cancellationToken,
        long? refundAmount = null, string? refundReason = null, Guid? paymentId = null)
    {
        if (!BookingLifecycle.CanMove(from, to))
        {
            throw new InvalidOperationException($"{from} → {to} is not a booking transition.");
        }

        var now = time.GetUtcNow();
        return await db.Bookings
            .Where(b => b.Id == bookingId && b.Status == from)
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
            }, cancellationToken) == 1;
    }

    private static Hold HoldOf(Booking booking) =>
        new(booking.HoldId, booking.ShowId, booking.UserId, [.. booking.Seats.Select(s => s.SeatId)], booking.ExpiresAt);

    private static BookingOutcome.Conflict HoldAlreadyBooked() =>
        new("Hold already booked", "This hold has already been turned into a booking.");
}

public static class BookingStatusNames
{
    public static string Of(BookingStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}
