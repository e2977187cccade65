using System.Net;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Realtime;

/// <summary>An app whose watchers may have only four events waiting.</summary>
public sealed class SmallQueueAppFixture : SqliteAppFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["SeatStream:QueueLength"] = "4";
}

public sealed class SlowWatcherTests(SmallQueueAppFixture fixture) : IClassFixture<SmallQueueAppFixture>
{
    [Fact]
    public async Task A_watcher_that_stops_reading_holds_up_nobody_and_catches_up_with_a_fresh_snapshot()
    {
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = "Audi Large", rows = CatalogBuilder.Layout(20, 30) });
        var show = await a.Catalog.ShowAsync(screen, startsAt: fixture.App.Time.GetUtcNow().AddDays(3));

        // The slow watcher reads its headers and then nothing, so its connection fills and its queue with it.
        await using var slow = await SeatWatch.OpenAsync(fixture.Client, show);
        await using var fast = await SeatWatch.OpenAsync(fixture.Client, show);
        Assert.Equal("snapshot", (await fast.NextAsync()).Type);

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < shoppers.Length; i++)
            {
                var row = (char)('A' + i % 20);
                var first = i / 20 * 10 + 1;
                var seats = Enumerable.Range(first, 10).Select(n => $"{row}{n}").ToArray();
                using var held = await shoppers[i].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = seats });
                var hold = await held.ReadJsonAsync(HttpStatusCode.Created);
                // The fast watcher hears of every hold while the slow one is stuck.
                await fast.UntilAsync(s => seats.All(seat => s[seat] == "HELD"));
                using var released = await shoppers[i].DeleteAsync(new Uri($"/api/holds/{hold.GetProperty("holdId").GetString()}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
            }
        }

        await HoldSomeAsync(shoppers[0], show);
        var map = await fixture.Client.SeatStatusesAsync(show);
        await fast.UntilAsync(s => Same(s, map));
        Assert.Equal(1, fast.Received.Count(e => e.Type == "snapshot"));
        Assert.All(fast.Received.Zip(fast.Received.Skip(1)), pair => Assert.Equal(pair.First.Version + 1, pair.Second.Version));

        // Reading again, the slow watcher gets what was already on its way, then a fresh snapshot instead of the backlog.
        await slow.UntilAsync(s => Same(s, map) && slow.Received.Count(e => e.Type == "snapshot") >= 2);
        Assert.True(slow.Received.Count < fast.Received.Count, $"The slow watcher got {slow.Received.Count} events, the fast one {fast.Received.Count}.");
    }

    private static async Task HoldSomeAsync(HttpClient shopper, string show)
    {
        using var response = await shopper.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "T30" } });
        await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static bool Same(Dictionary<string, string> seen, Dictionary<string, string> map) =>
        seen.Count == map.Count && map.All(kv => seen[kv.Key] == kv.Value);

}
