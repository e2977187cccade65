using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Seating;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Catalog;

/// <summary>The demo catalogue has the size and shape a person trying the API needs, on every database.</summary>
public abstract class DemoDataTests(AppFixture fixture)
{
    private static readonly string[] Certificates = ["U", "UA", "UA7+", "UA13+", "UA16+", "A", "S"];
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task There_are_four_cities_with_two_theatres_each_and_eight_movies()
    {
        var (cities, movies, theatresPerCity) = await _app.WithDbAsync(async db => (
            await db.Cities.CountAsync(),
            await db.Movies.ToListAsync(),
            await db.Theatres.GroupBy(t => t.CityId).Select(g => g.Count()).ToListAsync()));

        Assert.True(cities >= 4);
        Assert.True(movies.Count >= 8);
        Assert.All(theatresPerCity, count => Assert.True(count >= 2));
        Assert.Equal(cities, theatresPerCity.Count);
        Assert.All(movies, m =>
        {
            Assert.NotEmpty(m.Languages);
            Assert.NotEmpty(m.Genres);
            Assert.InRange(m.DurationMinutes, 80, 200);
            Assert.Contains(m.Certificate, Certificates);
        });
    }

    [Fact]
    public async Task Every_theatre_has_two_screens_of_100_to_250_seats_in_three_categories_with_aisles_and_blocked_seats()
    {
        var screens = await _app.WithDbAsync(db => db.Screens.Include(s => s.Seats).AsNoTracking().ToListAsync());
        Assert.All(screens.GroupBy(s => s.TheatreId), theatre => Assert.True(theatre.Count() >= 2));
        Assert.All(screens, screen =>
        {
            Assert.InRange(screen.Seats.Count, 100, 250);
            Assert.Equal(3, screen.Seats.Select(s => s.Category).Distinct().Count());
            Assert.Contains(screen.Seats, s => s.IsBlocked);
            Assert.Equal(screen.Seats.Count, screen.Seats.Select(s => s.Label).Distinct().Count());
            var hasAisle = screen.Seats.GroupBy(s => s.RowIndex).Any(row =>
            {
                var columns = row.Select(s => s.Column).Order().ToList();
                return columns.Zip(columns.Skip(1)).Any(pair => pair.Second - pair.First > 1);
            });
            Assert.True(hasAisle, $"{screen.Name} has no aisle");
        });
    }

    [Fact]
    public async Task Every_screen_has_several_shows_on_each_of_the_next_seven_days()
    {
        var shows = await _app.WithDbAsync(db => db.Shows.AsNoTracking()
            .Select(s => new { s.ScreenId, s.StartsAt, s.EndsAt, TimeZone = s.Screen!.Theatre!.City!.TimeZone })
            .ToListAsync());
        var now = TestClock.Start;
        var today = CityTime.Today(now, "Asia/Kolkata");

        Assert.All(shows.GroupBy(s => s.ScreenId), screen =>
        {
            for (var day = 0; day < 7; day++)
            {
                var date = today.AddDays(day);
                var count = screen.Count(s => CityTime.Today(s.StartsAt, s.TimeZone) == date);
                Assert.True(count >= 2, $"screen {screen.Key} has {count} shows on {date}");
            }

            var ordered = screen.OrderBy(s => s.StartsAt).ToList();
            Assert.All(ordered.Zip(ordered.Skip(1)), pair => Assert.True(pair.First.EndsAt <= pair.Second.StartsAt, "shows overlap"));
        });
        Assert.All(shows, s => Assert.True(s.StartsAt > now));
        Assert.Contains(shows, s => s.StartsAt > now.AddHours(3));
    }

    [Fact]
    public async Task Every_show_has_its_inventory_and_a_price_for_every_category()
    {
        var (shows, seatsPerShow, expectedSeats, pricesPerShow) = await _app.WithDbAsync(async db => (
            await db.Shows.CountAsync(),
            await db.ShowSeats.GroupBy(s => s.ShowId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count),
            await db.Shows.Select(s => new { s.Id, Count = db.ScreenSeats.Count(x => x.ScreenId == s.ScreenId) }).ToDictionaryAsync(s => s.Id, s => s.Count),
            await db.ShowPrices.GroupBy(p => p.ShowId).Select(g => g.Count()).ToListAsync()));

        Assert.Equal(shows, seatsPerShow.Count);
        Assert.Equal(expectedSeats, seatsPerShow);
        Assert.All(pricesPerShow, count => Assert.Equal(3, count));
        var blocked = await _app.WithDbAsync(db => db.ShowSeats.CountAsync(s => s.Status == SeatStatus.Blocked));
        Assert.True(blocked > 0);
    }
}

public sealed class SqliteDemoDataTests(SqliteAppFixture fixture) : DemoDataTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresDemoDataTests(PostgresAppFixture fixture) : DemoDataTests(fixture), IClassFixture<PostgresAppFixture>;
