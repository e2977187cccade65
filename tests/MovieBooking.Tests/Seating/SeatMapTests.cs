using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Seating;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Seating;

/// <summary>The seat map reads the inventory as the stores leave it, on every database.</summary>
public abstract class SeatMapTests(AppFixture fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Held_and_booked_seats_show_as_such_and_a_lapsed_hold_shows_as_available()
    {
        var showId = await _app.WithDbAsync(db => db.Shows.OrderByDescending(s => s.StartsAt).Select(s => s.Id).FirstAsync());
        var expiry = _app.Time.GetUtcNow().AddMinutes(5);
        await _app.WithDbAsync(async db =>
        {
            await db.ShowSeats.Where(s => s.ShowId == showId && (s.SeatId == "C5" || s.SeatId == "C6"))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, SeatStatus.Held)
                    .SetProperty(x => x.HoldId, Guid.CreateVersion7())
                    .SetProperty(x => x.HoldExpiresAt, expiry));
            return await db.ShowSeats.Where(s => s.ShowId == showId && s.SeatId == "D5")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SeatStatus.Booked).SetProperty(x => x.BookingId, Guid.CreateVersion7()));
        });

        var held = await _client.GetJsonAsync($"/api/shows/{showId}/seats");
        Assert.Equal("HELD", SeatStatusOf(held, "C5"));
        Assert.Equal("HELD", SeatStatusOf(held, "C6"));
        Assert.Equal("BOOKED", SeatStatusOf(held, "D5"));
        Assert.Equal(2, held.GetProperty("summary").GetProperty("HELD").GetInt32());
        Assert.Equal(1, held.GetProperty("summary").GetProperty("BOOKED").GetInt32());

        _app.Time.Advance(TimeSpan.FromMinutes(5));
        var lapsed = await _client.GetJsonAsync($"/api/shows/{showId}/seats");
        Assert.Equal("AVAILABLE", SeatStatusOf(lapsed, "C5"));
        Assert.Equal("BOOKED", SeatStatusOf(lapsed, "D5"));
        Assert.Equal(0, lapsed.GetProperty("summary").GetProperty("HELD").GetInt32());
        Assert.Equal(
            held.GetProperty("summary").GetProperty("AVAILABLE").GetInt32() + 2,
            lapsed.GetProperty("summary").GetProperty("AVAILABLE").GetInt32());
    }

    private static string? SeatStatusOf(System.Text.Json.JsonElement map, string seatId) =>
        map.GetProperty("rows").EnumerateArray()
            .SelectMany(r => r.GetProperty("seats").EnumerateArray())
            .Single(s => s.GetProperty("id").GetString() == seatId)
            .GetProperty("status").GetString();
}

public sealed class SqliteSeatMapTests(SqliteAppFixture fixture) : SeatMapTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresSeatMapTests(PostgresAppFixture fixture) : SeatMapTests(fixture), IClassFixture<PostgresAppFixture>;
