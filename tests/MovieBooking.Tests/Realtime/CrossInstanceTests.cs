using System.Globalization;
using System.Net;
using MovieBooking.Servers;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Realtime;

/// <summary>Two instances of the service over one PostgreSQL database and one Redis, as they run behind a load balancer.</summary>
public abstract class CrossInstanceTests(TwoInstancesOfOneDatabase fixture)
{
    private readonly HttpClient _first = fixture.First.CreateClient();
    private readonly HttpClient _second = fixture.Second.CreateClient();

    [Fact]
    public async Task A_hold_through_one_instance_reaches_watchers_and_seat_maps_on_the_other()
    {
        var (show, onFirst, onSecond) = await ShowAndShopperAsync();
        Assert.Equal("AVAILABLE", (await _second.SeatStatusesAsync(show))["A1"]);
        await using var watcherOnSecond = await SeatWatch.OpenAsync(_second, show);
        await using var watcherOnFirst = await SeatWatch.OpenAsync(_first, show);
        var start = (await watcherOnSecond.NextAsync()).Version;
        await watcherOnFirst.NextAsync();

        var hold = await HoldAsync(onFirst, show, "A1", "A2");
        var held = await watcherOnSecond.NextAsync();
        Assert.Equal(start + 1, held.Version);
        Assert.Equal(new Dictionary<string, string> { ["A1"] = "HELD", ["A2"] = "HELD" }, held.Seats);
        // The second instance's cached seat map was dropped before its watcher heard of the change.
        Assert.Equal("HELD", (await _second.SeatStatusesAsync(show))["A1"]);
        await watcherOnFirst.UntilAsync(s => s["A1"] == "HELD");

        using (var released = await onSecond.DeleteAsync(new Uri($"/api/holds/{hold.GetProperty("holdId").GetString()}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        }

        // Both instances publish under one sequence of versions.
        await watcherOnFirst.UntilAsync(s => s["A1"] == "AVAILABLE");
        await watcherOnSecond.UntilAsync(s => s["A1"] == "AVAILABLE");
        Assert.Equal(watcherOnFirst.Received.Skip(1).Select(e => (e.Version, e.Data.GetRawText())), watcherOnSecond.Received.Skip(1).Select(e => (e.Version, e.Data.GetRawText())));
    }

    [Fact]
    public async Task A_client_that_moves_to_the_other_instance_resumes_with_exactly_the_changes_it_missed()
    {
        var (show, onFirst, onSecond) = await ShowAndShopperAsync();
        long seen;
        await using (var watcher = await SeatWatch.OpenAsync(_first, show))
        {
            seen = (await watcher.NextAsync()).Version;
        }

        await HoldAsync(onSecond, show, "B1");
        await HoldAsync(onFirst, show, "B2", "B3");

        await using var resumed = await SeatWatch.OpenAsync(_second, show, seen.ToString(CultureInfo.InvariantCulture));
        await resumed.UntilAsync(s => s.GetValueOrDefault("B1") == "HELD" && s.GetValueOrDefault("B3") == "HELD");
        Assert.All(resumed.Received, e => Assert.Equal("seats", e.Type));
        Assert.Equal(Enumerable.Range(1, resumed.Received.Count).Select(i => seen + i), resumed.Received.Select(e => e.Version));
        Assert.Equal(["B1", "B2", "B3"], resumed.Received.SelectMany(e => e.Seats.Keys).Order());
    }

    [Fact]
    public async Task A_lapsed_hold_is_announced_once_to_watchers_on_both_instances()
    {
        var (show, onFirst, _) = await ShowAndShopperAsync();
        await using var watcherOnFirst = await SeatWatch.OpenAsync(_first, show);
        await using var watcherOnSecond = await SeatWatch.OpenAsync(_second, show);
        await watcherOnFirst.NextAsync();
        await watcherOnSecond.NextAsync();
        await HoldAsync(onFirst, show, "C1");
        var held = await watcherOnSecond.NextAsync();
        await watcherOnFirst.NextAsync();

        // Both instances' clocks pass the expiry; whichever claims it first announces it.
        fixture.First.Time.Advance(TimeSpan.FromMinutes(5));
        fixture.Second.Time.Advance(TimeSpan.FromMinutes(5));
        var lapsed = await watcherOnSecond.NextAsync();
        Assert.Equal(new Dictionary<string, string> { ["C1"] = "AVAILABLE" }, lapsed.Seats);
        Assert.Equal(held.Version + 1, lapsed.Version);
        Assert.Equal(lapsed.Data.GetRawText(), (await watcherOnFirst.NextAsync()).Data.GetRawText());
    }

    [Fact]
    public async Task A_hold_released_through_the_other_instance_is_gone_for_the_instance_that_made_it()
    {
        var (show, onFirst, onSecond) = await ShowAndShopperAsync();
        var hold = new Uri($"/api/holds/{(await HoldAsync(onFirst, show, "A1", "A2")).GetProperty("holdId").GetString()}", UriKind.Relative);
        using (var released = await onSecond.DeleteAsync(hold))
        {
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        }

        var email = $"next-{Guid.NewGuid():N}@example.com";
        await _second.RegisterAsync(email, "Shopper#2026", "Next Shopper");
        await HoldAsync(await fixture.Second.SignedInClientAsync(email, "Shopper#2026"), show, "A1");

        // The first instance made the hold, but it is released: another release finds nothing and frees nothing.
        using (var again = await onFirst.DeleteAsync(hold))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        var map = await _first.SeatStatusesAsync(show);
        Assert.Equal(("HELD", "AVAILABLE"), (map["A1"], map["A2"]));
    }

    private async Task<(string Show, HttpClient OnFirst, HttpClient OnSecond)> ShowAndShopperAsync()
    {
        var actors = await fixture.ActorsAsync();
        var screen = await actors.Catalog.ScreenAsync(await actors.Catalog.TheatreAsync(actors.OwnerId));
        var show = await actors.Catalog.ShowAsync(screen, startsAt: fixture.First.Time.GetUtcNow().AddDays(3));
        var email = $"roamer-{Guid.NewGuid():N}@example.com";
        await _first.RegisterAsync(email, "Shopper#2026", "Roaming Shopper");
        return (show, await fixture.First.SignedInClientAsync(email, "Shopper#2026"), await fixture.Second.SignedInClientAsync(email, "Shopper#2026"));
    }

    private static async Task<System.Text.Json.JsonElement> HoldAsync(HttpClient client, string show, params string[] seatIds)
    {
        using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds });
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }
}

public sealed class CrossInstanceWithRedisTests(TwoInstancesWithRedis fixture) : CrossInstanceTests(fixture), IClassFixture<TwoInstancesWithRedis>;

public sealed class CrossInstanceWithRedisClusterTests(TwoInstancesWithRedisCluster fixture)
    : CrossInstanceTests(fixture), IClassFixture<TwoInstancesWithRedisCluster>;
