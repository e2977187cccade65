using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Offers;

public abstract record OfferOutcome
{
    private OfferOutcome()
    {
    }

    public sealed record Done(Booking Booking) : OfferOutcome;

    public sealed record NotFound : OfferOutcome;

    /// <summary>The booking cannot change now (paid, expired, cancelled).</summary>
    public sealed record Conflict(string Detail) : OfferOutcome;

    /// <summary>The code does not apply to this booking, for this reason.</summary>
    public sealed record Refused(string Reason) : OfferOutcome;
}

/// <summary>
/// Applies offer codes to bookings awaiting payment. A redemption counts while its booking is awaiting payment and not
/// yet expired, and for good once it has been paid (a paid booking cancelled later keeps it); a booking that fails,
/// expires or is cancelled unpaid gives it back. Every redemption of one code first writes the code's row, so on
/// PostgreSQL they queue on its row lock and on SQLite on the one writer: the count each one reads is exact, and a
/// limit of n is redeemed n times however many customers race for it.
/// </summary>
public sealed class OfferService(MovieBookingDb db, ShowFactsCache shows, WriteGate gate, BookingPricing pricing, TimeProvider time)
{
    public async Task<OfferOutcome> ApplyAsync(Guid userId, Guid bookingId, string code, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);
        if (booking is null)
        {
            return new OfferOutcome.NotFound();
        }

        var now = time.GetUtcNow();
        if (BookingPricing.Unchangeable(booking, now) is { } why)
        {
            return new OfferOutcome.Conflict(why);
        }

        var normalized = code.Trim().ToUpperInvariant();
        var offer = await db.Offers.AsNoTracking().FirstOrDefaultAsync(o => o.Code == normalized, cancellationToken);
        if (offer is null)
        {
            return new OfferOutcome.Refused("No offer has this code.");
        }

        var show = await shows.GetAsync(booking.ShowId, cancellationToken);
        var tickets = BookingPricing.Tickets(booking, show!);
        var place = await db.Shows.Where(s => s.Id == booking.ShowId)
            .Select(s => new { s.MovieId, s.Screen!.TheatreId, s.Screen.Theatre!.OwnerId }).FirstAsync(cancellationToken);
        var (discounts, refusal) = OfferRules.Apply(offer, new OfferTarget(place.TheatreId, place.OwnerId, place.MovieId, booking.ShowId, tickets), now);
        if (refusal is not null)
        {
            return new OfferOutcome.Refused(refusal);
        }

        var quote = pricing.Quote(booking.Currency, tickets, discounts!, await pricing.FoodAsync(bookingId, cancellationToken));
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The code's row first: redemptions of one code queue here, so the counts below are exact.
            await db.Offers.Where(o => o.Id == offer.Id).ExecuteUpdateAsync(o => o.SetProperty(x => x.Code, x => x.Code), cancellationToken);
            var others = Counted(db.Bookings.Where(b => b.OfferId == offer.Id && b.Id != bookingId), now);
            if (offer.TotalLimit is { } limit && await others.CountAsync(cancellationToken) >= limit)
            {
                return new OfferOutcome.Refused("This offer has been fully redeemed.");
            }

            if (offer.PerUserLimit is { } perUser && await others.CountAsync(b => b.UserId == userId, cancellationToken) >= perUser)
            {
                return new OfferOutcome.Refused($"You have used this offer as often as it allows ({perUser} {(perUser == 1 ? "time" : "times")}).");
            }

            if (!await pricing.WriteAsync(booking, quote, offer.Id, offer.Code, now, cancellationToken))
            {
                return new OfferOutcome.Conflict("The booking changed meanwhile; it no longer awaits payment.");
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return new OfferOutcome.Done(await ReadAsync(bookingId, cancellationToken));
    }

    public async Task<OfferOutcome> RemoveAsync(Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);
        if (booking is null)
        {
            return new OfferOutcome.NotFound();
        }

        var now = time.GetUtcNow();
        if (booking.OfferId is null)
        {
            return new OfferOutcome.Done(booking);
        }

        if (BookingPricing.Unchangeable(booking, now) is { } why)
        {
            return new OfferOutcome.Conflict(why);
        }

        var show = await shows.GetAsync(booking.ShowId, cancellationToken);
        var quote = pricing.Quote(booking.Currency, BookingPricing.Tickets(booking, show!), [], await pricing.FoodAsync(bookingId, cancellationToken));
        using (await gate.EnterAsync(cancellationToken))
        {
            if (!await pricing.WriteAsync(booking, quote, null, null, now, cancellationToken))
            {
                return new OfferOutcome.Conflict("The booking changed meanwhile; it no longer awaits payment.");
            }
        }

        return new OfferOutcome.Done(await ReadAsync(bookingId, cancellationToken));
    }

    /// <summary>Bookings whose redemption counts now: paid at some point, or awaiting payment and not expired.</summary>
    public static IQueryable<Booking> Counted(IQueryable<Booking> bookings, DateTimeOffset now) =>
        bookings.Where(b => b.PaymentId != null || (b.Status == BookingStatus.PendingPayment && b.ExpiresAt > now));

    private Task<Booking> ReadAsync(Guid bookingId, CancellationToken cancellationToken) =>
        db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstAsync(b => b.Id == bookingId, cancellationToken);
}
