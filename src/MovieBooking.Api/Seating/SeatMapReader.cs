using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Seating;

/// <summary>A show's seat map as the stores report it at one instant, with the holds on it that have yet to lapse.</summary>
public sealed record SeatMapReading(SeatMapResponse Map, IReadOnlyList<DateTimeOffset> HoldExpiries)
{
    public DateTimeOffset? EarliestExpiry => HoldExpiries.Count == 0 ? null : HoldExpiries.Min();
}

/// <summary>Reads a seat map from the inventory table and the hold store together.</summary>
public sealed class SeatMapReader(MovieBookingDb db, IHoldStore holds)
{
    /// <summary>The seat map at <paramref name="now"/>, or null when the show does not exist.</summary>
    public async Task<SeatMapReading?> ReadAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = await (
            from seat in db.ShowSeats.AsNoTracking()
            join show in db.Shows on seat.ShowId equals show.Id
            join price in db.ShowPrices on new { seat.ShowId, seat.Category } equals new { price.ShowId, price.Category }
            where seat.ShowId == showId
            orderby seat.RowIndex, seat.Column
            select new SeatMapEntry(
                seat.Row, seat.SeatId, seat.Number, seat.Column, seat.Category, price.Amount, show.Currency, seat.Status, seat.HoldExpiresAt))
            .ToListAsync(cancellationToken);
        if (entries.Count == 0 && !await db.Shows.AnyAsync(s => s.Id == showId, cancellationToken))
        {
            return null;
        }

        var heldElsewhere = await holds.HeldSeatsAsync(showId, now, cancellationToken);
        var expiries = entries.Where(e => e.Status == SeatStatus.Held && e.HoldExpiresAt > now).Select(e => e.HoldExpiresAt!.Value)
            .Concat(heldElsewhere.Values)
            .Distinct()
            .ToList();
        return new SeatMapReading(SeatMapBuilder.Build(showId, entries, now, heldElsewhere), expiries);
    }
}
