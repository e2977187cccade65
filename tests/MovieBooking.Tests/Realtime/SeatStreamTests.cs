using System.Net;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Realtime;

/// <summary>The live seat map of one instance: snapshot, every kind of change, lapses, resumes and heartbeats, on every store.</summary>
public abstract class SeatStreamTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    [Fact]
    public async Task A_watcher_sees_the_snapshot_then_a_hold_its_release_and_a_lapse()
    {
        var (show, shoppers) = await FreshShowAsync();
        await HoldAsync(shoppers[1], show, "C6");
        await using var stream = await SeatWatch.OpenAsync(_anonymous, show);

        var snapshot = await stream.NextAsync();
        Assert.Equal("snapshot", snapshot.Type);
        Assert.Equal(show, snapshot.Data.GetProperty("showId").GetString());
        Assert.Equal(await SeatMapAsync(show), snapshot.Seats);
        Assert.Equal("HELD", snapshot.Seats["C6"]);
        Assert.Equal(17, snapshot.Data.GetProperty("summary").GetProperty("AVAILABLE").GetInt32());

        var hold = await HoldAsync(shoppers[0], show, "A1", "A2");
        var held = await stream.NextAsync();
        Assert.Equal("seats", held.Type);
        Assert.Equal(snapshot.Version + 1, held.Version);
        Assert.Equal(new Dictionary<string, string> { ["A1"] = "HELD", ["A2"] = "HELD" }, held.Seats);

        using (var released = await shoppers[0].DeleteAsync(new Uri($"/api/holds/{hold.GetProperty("holdId").GetString()}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        }

        var freed = await stream.NextAsync();
        Assert.Equal(held.Version + 1, freed.Version);
        Assert.Equal(new Dictionary<string, string> { ["A1"] = "AVAILABLE", ["A2"] = "AVAILABLE" }, freed.Seats);

        // C6's hold lapses: a timer over the next expiry announces it, nobody asks.
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        var lapsed = await stream.NextAsync();
        Assert.Equal(new Dictionary<string, string> { ["C6"] = "AVAILABLE" }, lapsed.Seats);
        Assert.Equal(await SeatMapAsync(show), stream.Seats);
    }

    [Fact]
    public async Task Bookings_confirmed_failed_and_cancelled_reach_the_stream()
    {
        var (show, shoppers) = await FreshShowAsync();
        await using var stream = await SeatWatch.OpenAsync(_anonymous, show);
        await stream.NextAsync();

        var paid = await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "B1"));
        await stream.UntilAsync(seats => seats["B1"] == "HELD");
        await PayAsync(shoppers[0], paid, "success");
        Assert.Equal("BOOKED", (await stream.NextAsync()).Seats["B1"]);

        var failed = await BookAsync(shoppers[1], await HoldAsync(shoppers[1], show, "B2"));
        await stream.UntilAsync(seats => seats["B2"] == "HELD");
        await PayAsync(shoppers[1], failed, "failure");
        Assert.Equal("AVAILABLE", (await stream.NextAsync()).Seats["B2"]);

        var cancelled = await BookAsync(shoppers[2], await HoldAsync(shoppers[2], show, "B3"));
        await stream.UntilAsync(seats => seats["B3"] == "HELD");
        using (var response = await shoppers[2].PostAsync(new Uri($"/api/bookings/{cancelled.GetProperty("id").GetString()}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("AVAILABLE", (await stream.NextAsync()).Seats["B3"]);
        Assert.Equal(await SeatMapAsync(show), stream.Seats);
    }

    [Fact]
    public async Task A_hold_whose_payment_started_stays_held_on_the_stream_past_its_first_expiry()
    {
        var (show, shoppers) = await FreshShowAsync();
        await using var stream = await SeatWatch.OpenAsync(_anonymous, show);
        await stream.NextAsync();

        // Held at the same instant, so both first lapse together; only B1's booking starts a payment.
        var (paying, payment) = await PendingPaymentAsync(shoppers[0], show, "B1");
        await HoldAsync(shoppers[1], show, "C6");
        await stream.UntilAsync(seats => seats["B1"] == "HELD" && seats["C6"] == "HELD");

        // The lapse at the first expiry frees C6 alone: B1's hold was extended with its payment's start.
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        var lapsed = await stream.NextAsync();
        Assert.Equal(new Dictionary<string, string> { ["C6"] = "AVAILABLE" }, lapsed.Seats);
        Assert.Equal("HELD", stream.Seats["B1"]);
        Assert.Equal(await SeatMapAsync(show), stream.Seats);

        // Paid inside the extension, the seat is sold.
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal(new Dictionary<string, string> { ["B1"] = "BOOKED" }, (await stream.NextAsync()).Seats);
        Assert.Equal("CONFIRMED", (await shoppers[0].GetJsonAsync($"/api/bookings/{paying.GetProperty("id").GetString()}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Many_shoppers_at_once_leave_every_watcher_with_the_seat_map()
    {
        var (show, shoppers) = await FreshShowAsync();
        await using var first = await SeatWatch.OpenAsync(_anonymous, show);
        await using var second = await SeatWatch.OpenAsync(_anonymous, show);
        await first.NextAsync();
        await second.NextAsync();

        var seats = new[] { "A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "B5", "B6", "C1", "C2", "C3", "C4" };
        await Task.WhenAll(shoppers.Take(32).Select(async (shopper, i) =>
        {
            using var response = await shopper.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { seats[i % seats.Length] } });
            if (response.StatusCode == HttpStatusCode.Created && i % 3 == 0)
            {
                var hold = await response.ReadJsonAsync(HttpStatusCode.Created);
                using var released = await shopper.DeleteAsync(new Uri($"/api/holds/{hold.GetProperty("holdId").GetString()}", UriKind.Relative));
            }
        }));

        var map = await SeatMapAsync(show);
        await first.UntilAsync(s => s.Count == map.Count && map.All(kv => s[kv.Key] == kv.Value));
        await second.UntilAsync(s => s.Count == map.Count && map.All(kv => s[kv.Key] == kv.Value));
        // Both saw the same changes under the same versions, one after another.
        Assert.Equal(first.Received.Skip(1).Select(e => e.Version), second.Received.Skip(1).Select(e => e.Version));
        Assert.All(first.Received.Skip(1).Zip(first.Received.Skip(2)), pair => Assert.Equal(pair.First.Version + 1, pair.Second.Version));
    }

    [Fact]
    public async Task A_client_resuming_with_its_last_event_id_gets_exactly_the_changes_it_missed()
    {
        var (show, shoppers) = await FreshShowAsync();
        long seen;
        await using (var stream = await SeatWatch.OpenAsync(_anonymous, show))
        {
            seen = (await stream.NextAsync()).Version;
        }

        await HoldAsync(shoppers[0], show, "A1");
        await HoldAsync(shoppers[1], show, "A2");
        var map = await SeatMapAsync(show);

        await using var resumed = await SeatWatch.OpenAsync(_anonymous, show, seen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await resumed.UntilAsync(s => s.GetValueOrDefault("A2") == "HELD");
        Assert.All(resumed.Received, e => Assert.Equal("seats", e.Type));
        Assert.Equal(seen + 1, resumed.Received[0].Version);
        Assert.Equal(["A1", "A2"], resumed.Received.SelectMany(e => e.Seats.Keys).Order());

        // An id the service never gave (or no longer keeps) gets a fresh snapshot.
        await using var stranger = await SeatWatch.OpenAsync(_anonymous, show, "12");
        var snapshot = await stranger.NextAsync();
        Assert.Equal("snapshot", snapshot.Type);
        Assert.Equal(map, snapshot.Seats);
        await using var garbled = await SeatWatch.OpenAsync(_anonymous, show, "not-a-version");
        Assert.Equal("snapshot", (await garbled.NextAsync()).Type);
    }

    [Fact]
    public async Task An_idle_stream_gets_a_comment_line_every_15_seconds()
    {
        var (show, _) = await FreshShowAsync();
        await using var stream = await SeatWatch.OpenAsync(_anonymous, show);
        await stream.NextAsync();

        _app.Time.Advance(TimeSpan.FromSeconds(15));
        var comment = await stream.NextAsync(comments: true);
        Assert.Equal("comment", comment.Type);
        Assert.Equal("keep-alive", comment.Data.GetString());
    }

    [Fact]
    public async Task An_unknown_show_is_a_404_problem()
    {
        using var response = await _anonymous.GetAsync(new Uri($"/api/shows/{Guid.NewGuid()}/seats/stream", UriKind.Relative));
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task PayAsync(HttpClient shopper, System.Text.Json.JsonElement booking, string outcome)
    {
        using var started = await shopper.PostAsync(new Uri($"/api/bookings/{booking.GetProperty("id").GetString()}/payments", UriKind.Relative), null);
        var orderId = (await started.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString();
        using var paid = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome });
        await paid.ReadJsonAsync(HttpStatusCode.OK);
    }
}

public sealed class SqliteSeatStreamTests(SqliteAppFixture fixture) : SeatStreamTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresSeatStreamTests(PostgresAppFixture fixture) : SeatStreamTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisSeatStreamTests(RedisAppFixture fixture) : SeatStreamTests(fixture), IClassFixture<RedisAppFixture>;
