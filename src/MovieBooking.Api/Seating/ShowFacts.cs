using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Seating;

/// <summary>What a hold or a booking needs to know about a show, read once and kept for a few seconds.</summary>
public sealed record ShowFacts(
    Guid ShowId,
    DateTimeOffset StartsAt,
    ShowStatus Status,
    string Currency,
    FrozenDictionary<string, (SeatCategory Category, bool Blocked)> Seats,
    FrozenDictionary<SeatCategory, long> Prices,
    string TimeZone,
    IReadOnlyList<SeatPlace> Layout,
    GapRule GapRule,
    (double Row, double Column)? Focal)
{
    /// <summary>An instant as it reads in the show's city, as every answer about the show states times.</summary>
    public DateTimeOffset Local(DateTimeOffset instant) => CityTime.ToLocal(instant, TimeZone);

    public bool IsBookableAt(DateTimeOffset now) => Status == ShowStatus.Scheduled && StartsAt > now;

    public long PriceOf(string seatId) => Prices[Seats[seatId].Category];

    private SeatPlan? _free;

    /// <summary>The show's seats for the picker, those in <paramref name="taken"/> (held or sold) taken.</summary>
    public SeatPlan PlanWith(IReadOnlySet<string> taken)
    {
        // The layout's runs are worked out once per show; a race builds the same plan twice.
        _free ??= new SeatPlan(Layout.Select(s => new PlanSeat(s.Id, s.Row, s.Number, s.Column, s.Category,
            s.Blocked ? SeatAvailability.Blocked : SeatAvailability.Free)), Focal);
        return _free.With(taken);
    }
}

/// <summary>Where a seat of a show stands: its row from the screen, number and column.</summary>
public sealed record SeatPlace(string Id, int Row, int Number, int Column, SeatCategory Category, bool Blocked);

/// <summary>
/// A short-lived in-memory copy of <see cref="ShowFacts"/> per show, dropped whenever this instance changes the
/// show. The database re-checks that a show is bookable inside every hold and sale, so a stale copy cannot sell.
/// </summary>
public sealed class ShowFactsCache(IMemoryCache cache, IServiceScopeFactory scopes)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public async Task<ShowFacts?> GetAsync(Guid showId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(showId), out ShowFacts? facts))
        {
            return facts;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var show = await (
                from s in db.Shows.AsNoTracking()
                join screen in db.Screens on s.ScreenId equals screen.Id
                join theatre in db.Theatres on screen.TheatreId equals theatre.Id
                join city in db.Cities on theatre.CityId equals city.Id
                where s.Id == showId
                select new
                {
                    s.StartsAt,
                    s.Status,
                    s.Currency,
                    Prices = s.Prices.Select(p => new { p.Category, p.Amount }).ToList(),
                    city.TimeZone,
                    theatre.GapRule,
                    screen.FocalRow,
                    screen.FocalColumn,
                })
            .FirstOrDefaultAsync(cancellationToken);
        if (show is null)
        {
            return null;
        }

        var seats = await db.ShowSeats.AsNoTracking()
            .Where(s => s.ShowId == showId)
            .Select(s => new { s.Row, Place = new SeatPlace(s.SeatId, s.RowIndex, s.Number, s.Column, s.Category, s.Status == SeatStatus.Blocked) })
            .ToListAsync(cancellationToken);
        // The screen's focal row by its label; a row the layout no longer has falls back to the default.
        var focalRow = seats.FirstOrDefault(s => s.Row == show.FocalRow)?.Place.Row;
        facts = new ShowFacts(showId, show.StartsAt, show.Status, show.Currency,
            seats.ToFrozenDictionary(s => s.Place.Id, s => (s.Place.Category, s.Place.Blocked), StringComparer.Ordinal),
            show.Prices.ToFrozenDictionary(p => p.Category, p => p.Amount), show.TimeZone,
            [.. seats.Select(s => s.Place)], show.GapRule, focalRow is { } row && show.FocalColumn is { } column ? (row, column) : null);
        return cache.Set(Key(showId), facts, Lifetime);
    }

    public void Invalidate(Guid showId) => cache.Remove(Key(showId));

    private static string Key(Guid showId) => $"show-facts:{showId}";
}
