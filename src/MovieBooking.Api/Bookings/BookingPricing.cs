using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Bookings;

/// <summary>
/// Prices a booking from its parts (its tickets, its offer's discounts, its food and drink) and writes a new price
/// while the booking still awaits payment at the total it was read with, so a payment settling meanwhile for the old
/// total and a price change cannot both win.
/// </summary>
public sealed class BookingPricing(MovieBookingDb db, IOptions<BookingOptions> options, IOptions<TaxOptions> tax)
{
    public ConvenienceFee Fee => new(options.Value.ConvenienceFeePerTicket, options.Value.ConvenienceFeePercent);

    public PriceQuote Quote(string currency, IReadOnlyList<TicketItem> tickets, IReadOnlyList<long> discounts, IReadOnlyList<FoodItem> food) =>
        PriceCalculator.Quote(currency, tickets, discounts, food, Fee, tax.Value);

    /// <summary>A booking's tickets in seat order, at the prices they were booked at.</summary>
    public static List<TicketItem> Tickets(Booking booking, ShowFacts show)
    {
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(show);
        return [.. booking.Seats.OrderBy(s => s.SeatId, SeatOrder.Instance).Select(s => new TicketItem(s.SeatId, show.Seats[s.SeatId].Category, s.Price))];
    }

    /// <summary>What the booking's offer takes off each ticket now (none without an offer).</summary>
    public static List<long> Discounts(Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return booking.OfferId is null ? [] : [.. booking.Lines.Where(l => l.Kind == PriceLineKind.Ticket).Select(l => l.Discount)];
    }

    public async Task<List<FoodItem>> FoodAsync(Guid bookingId, CancellationToken cancellationToken) =>
        await db.BookingFood.Where(f => f.BookingId == bookingId).OrderBy(f => f.Name).ThenBy(f => f.ItemId)
            .Select(f => new FoodItem(f.ItemId, f.Name, f.Quantity, f.UnitPrice, f.TaxRate)).ToListAsync(cancellationToken);

    /// <summary>Writes the quote (and the offer) onto the booking if it still awaits payment at the total it was read with.</summary>
    public async Task<bool> WriteAsync(Booking booking, PriceQuote quote, Guid? offerId, string? offerCode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(booking);
        ArgumentNullException.ThrowIfNull(quote);
        List<PriceLine> lines = [.. quote.Lines];
        return await db.Bookings
            .Where(b => b.Id == booking.Id && b.Status == BookingStatus.PendingPayment && b.ExpiresAt > now && b.Total == booking.Total)
            .ExecuteUpdateAsync(b => b
                .SetProperty(x => x.OfferId, offerId)
                .SetProperty(x => x.OfferCode, offerCode)
                .SetProperty(x => x.SeatTotal, quote.Seats)
                .SetProperty(x => x.Discount, quote.Discount)
                .SetProperty(x => x.Food, quote.Food)
                .SetProperty(x => x.ConvenienceFee, quote.ConvenienceFee)
                .SetProperty(x => x.Tax, quote.FeeTax)
                .SetProperty(x => x.TaxIncluded, quote.TaxIncluded)
                .SetProperty(x => x.Total, quote.Total)
                .SetProperty(x => x.Lines, lines)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken) == 1;
    }

    /// <summary>Why a booking's price cannot change now, or null when it can.</summary>
    public static string? Unchangeable(Booking booking, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return booking.Status != BookingStatus.PendingPayment ? $"Only a booking awaiting payment can change; this one is {BookingStatusNames.Of(booking.Status)}."
            : booking.ExpiresAt <= now ? "The booking has expired; hold the seats again."
            : null;
    }
}
