using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Food;

/// <summary>One line of a food order: so many of one menu item.</summary>
public sealed record FoodOrderLine(Guid ItemId, int Quantity);

/// <summary>An item a show has no more of: how many are left for it.</summary>
public sealed record UnavailableItem(Guid ItemId, string Name, int Left);

public abstract record FoodOutcome
{
    private FoodOutcome()
    {
    }

    public sealed record Done(Booking Booking) : FoodOutcome;

    public sealed record NotFound : FoodOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : FoodOutcome;

    public sealed record Conflict(string Detail) : FoodOutcome;

    public sealed record SoldOut(IReadOnlyList<UnavailableItem> Items) : FoodOutcome;
}

/// <summary>
/// Food and drink ordered with a booking awaiting payment. Stock is per show and counted from the orders themselves
/// (those of bookings awaiting payment and not expired, and of confirmed ones), so a failed, expired or cancelled booking
/// gives its items back with nothing to undo. Every order of a stocked item first writes the item's row, so orders of it
/// queue (a row lock on PostgreSQL, the one writer on SQLite) and each reads an exact count: a stock of n sells n.
/// </summary>
public sealed class FoodService(MovieBookingDb db, ShowFactsCache shows, WriteGate gate, BookingPricing pricing, IOptions<BookingOptions> options, TimeProvider time)
{
    /// <summary>Replaces the booking's food and drink with these lines (none: no food).</summary>
    public async Task<FoodOutcome> SetAsync(Guid userId, Guid bookingId, IReadOnlyList<FoodOrderLine> order, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstOrDefaultAsync(b => b.Id == bookingId && b.UserId == userId, cancellationToken);
        if (booking is null)
        {
            return new FoodOutcome.NotFound();
        }

        var now = time.GetUtcNow();
        if (BookingPricing.Unchangeable(booking, now) is { } why)
        {
            return new FoodOutcome.Conflict(why);
        }

        var theatreId = await db.Shows.Where(s => s.Id == booking.ShowId).Select(s => s.Screen!.TheatreId).FirstAsync(cancellationToken);
        var ids = order.Select(l => l.ItemId).ToList();
        var items = await db.MenuItems.AsNoTracking().Where(i => ids.Contains(i.Id) && i.TheatreId == theatreId && !i.Withdrawn)
            .ToDictionaryAsync(i => i.Id, cancellationToken);
        if (Validate(order, items, options.Value.MaxFoodPerBooking) is { Count: > 0 } errors)
        {
            return new FoodOutcome.Invalid(errors);
        }

        var show = await shows.GetAsync(booking.ShowId, cancellationToken);
        var food = order.Select(l => items[l.ItemId]).Select((item, i) => new FoodItem(item.Id, item.Name, order[i].Quantity, item.Price, item.TaxRate))
            .OrderBy(f => f.Name).ThenBy(f => f.ItemId).ToList();
        var quote = pricing.Quote(booking.Currency, BookingPricing.Tickets(booking, show!), BookingPricing.Discounts(booking), food);
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var stocked = food.Where(f => items[f.ItemId].StockPerShow is not null).OrderBy(f => f.ItemId).ToList();
            var unavailable = new List<UnavailableItem>();
            foreach (var line in stocked)
            {
                // The item's row first (in id order, so two orders never wait on each other): its orders queue here.
                await db.MenuItems.Where(i => i.Id == line.ItemId).ExecuteUpdateAsync(i => i.SetProperty(x => x.Name, x => x.Name), cancellationToken);
                var left = items[line.ItemId].StockPerShow!.Value - await SoldAsync(booking.ShowId, line.ItemId, bookingId, now, cancellationToken);
                if (line.Quantity > left)
                {
                    unavailable.Add(new UnavailableItem(line.ItemId, line.Name, Math.Max(0, left)));
                }
            }

            if (unavailable.Count > 0)
            {
                return new FoodOutcome.SoldOut(unavailable);
            }

            await db.BookingFood.Where(f => f.BookingId == bookingId).ExecuteDeleteAsync(cancellationToken);
            db.BookingFood.AddRange(food.Select(f => new BookingFood
            {
                BookingId = bookingId,
                ItemId = f.ItemId,
                ShowId = booking.ShowId,
                Name = f.Name,
                Quantity = f.Quantity,
                UnitPrice = f.UnitPrice,
                TaxRate = f.TaxRate,
            }));
            await db.SaveChangesAsync(cancellationToken);
            if (!await pricing.WriteAsync(booking, quote, booking.OfferId, booking.OfferCode, now, cancellationToken))
            {
                return new FoodOutcome.Conflict("The booking changed meanwhile; it no longer awaits payment.");
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return new FoodOutcome.Done(await db.Bookings.AsNoTracking().Include(b => b.Seats).Include(b => b.FoodItems).FirstAsync(b => b.Id == bookingId, cancellationToken));
    }

    /// <summary>How many of an item the show's orders hold now, besides one booking's.</summary>
    public Task<int> SoldAsync(Guid showId, Guid itemId, Guid? exceptBookingId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (from f in db.BookingFood
         join b in db.Bookings on f.BookingId equals b.Id
         where f.ShowId == showId && f.ItemId == itemId && f.BookingId != exceptBookingId
             && (b.Status == BookingStatus.Confirmed || (b.Status == BookingStatus.PendingPayment && b.ExpiresAt > now))
         select f.Quantity).SumAsync(cancellationToken);

    private static Dictionary<string, string[]> Validate(IReadOnlyList<FoodOrderLine> order, Dictionary<Guid, MenuItem> items, int max)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < order.Count; i++)
        {
            if (!items.ContainsKey(order[i].ItemId))
            {
                errors[$"items[{i}].itemId"] = ["This item is not on the menu of the show's theatre."];
            }
            else if (order.Take(i).Any(l => l.ItemId == order[i].ItemId))
            {
                errors[$"items[{i}].itemId"] = ["An item is listed once, with its quantity."];
            }
        }

        if (order.Sum(l => l.Quantity) > max)
        {
            errors["items"] = [$"A booking takes at most {max} food and drink items."];
        }

        return errors;
    }
}
