using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Realtime;
using MovieBooking.Api.Seating;
using MovieBooking.Servers;
using MovieBooking.Tests.Infrastructure;
using StackExchange.Redis;

namespace MovieBooking.Tests.Realtime;

/// <summary>What every backplane promises the live seat map: diffs, one sequence of versions, refusal of stale readings, kept changes.</summary>
public abstract class SeatBackplaneTests
{
    protected static readonly SeatStreamOptions Options = new() { KeptChanges = 2 };

    protected FakeTimeProvider Time { get; } = new(TestClock.Start);

    protected abstract ISeatBackplane Backplane { get; }

    protected static IOptions<JsonOptions> Json()
    {
        var json = new JsonOptions();
        json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseUpper));
        return Microsoft.Extensions.Options.Options.Create(json);
    }

    [Fact]
    public async Task Only_seats_that_differ_are_published_under_versions_one_apart()
    {
        var show = Guid.NewGuid();
        await Backplane.PublishAsync(show, 1, [Seat("A1", SeatStatus.Available), Seat("A2", SeatStatus.Available)]);
        var (first, seats) = await Backplane.PublishedAsync(show);
        Assert.Equal(TestClock.Start.ToUnixTimeMilliseconds(), first);
        Assert.Equal(new Dictionary<string, string> { ["A1"] = "AVAILABLE", ["A2"] = "AVAILABLE" }, seats);

        await Backplane.PublishAsync(show, 2, [Seat("A1", SeatStatus.Held), Seat("A2", SeatStatus.Available)]);
        await Backplane.PublishAsync(show, 3, [Seat("A1", SeatStatus.Held), Seat("A2", SeatStatus.Available)]);

        var changes = await Backplane.ChangesAfterAsync(show, first);
        var change = Assert.Single(changes!);
        Assert.Equal(first + 1, change.Version);
        Assert.Equal($$"""{"version":{{first + 1}},"seats":[{"id":"A1","status":"HELD"}]}""", System.Text.Encoding.UTF8.GetString(change.Json));
    }

    [Fact]
    public async Task A_reading_taken_before_one_already_published_is_refused()
    {
        var show = Guid.NewGuid();
        await Backplane.PublishAsync(show, 1, [Seat("B1", SeatStatus.Available)]);
        await Backplane.PublishAsync(show, 3, [Seat("B1", SeatStatus.Held)]);
        // A slower reader saw the counter at 2, before the hold: its reading must not undo it.
        await Backplane.PublishAsync(show, 2, [Seat("B1", SeatStatus.Available)]);

        var (_, seats) = await Backplane.PublishedAsync(show);
        Assert.Equal("HELD", seats["B1"]);

        // Two instances read after the same change: the first to publish wins, so a seat never flickers back.
        await Backplane.PublishAsync(show, 4, [Seat("B1", SeatStatus.Available)]);
        await Backplane.PublishAsync(show, 4, [Seat("B1", SeatStatus.Held)]);
        (_, seats) = await Backplane.PublishedAsync(show);
        Assert.Equal("AVAILABLE", seats["B1"]);
    }

    [Fact]
    public async Task Kept_changes_are_handed_out_after_a_version_and_none_once_they_are_gone()
    {
        var show = Guid.NewGuid();
        await Backplane.PublishAsync(show, 1, [Seat("C1", SeatStatus.Available)]);
        var (start, _) = await Backplane.PublishedAsync(show);
        for (var i = 0; i < 4; i++)
        {
            await Backplane.PublishAsync(show, 2 + i, [Seat("C1", i % 2 == 0 ? SeatStatus.Held : SeatStatus.Available)]);
        }

        Assert.Null(await Backplane.ChangesAfterAsync(show, start + 1));
        Assert.Equal([start + 3, start + 4], (await Backplane.ChangesAfterAsync(show, start + 2))!.Select(c => c.Version));
        Assert.Empty((await Backplane.ChangesAfterAsync(show, start + 4))!);
        Assert.Null(await Backplane.ChangesAfterAsync(show, start + 40));
    }

    [Fact]
    public async Task Every_reported_change_moves_the_counter()
    {
        var show = Guid.NewGuid();
        var before = await Backplane.ChangeCountAsync(show);
        Backplane.Changed(show, showItself: false);
        Backplane.Changed(show, showItself: true);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Backplane.ChangeCountAsync(show) < before + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(before + 2, await Backplane.ChangeCountAsync(show));
    }

    protected static SeatState Seat(string id, SeatStatus status) => new(id, status);
}

public sealed class LocalSeatBackplaneTests : SeatBackplaneTests
{
    public LocalSeatBackplaneTests() => Backplane = new LocalSeatBackplane(Time, Microsoft.Extensions.Options.Options.Create(Options), Json());

    protected override ISeatBackplane Backplane { get; }
}

public sealed class RedisSeatBackplaneTests : SeatBackplaneTests, IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<RedisConnector> _connections = [];
    private ISeatBackplane? _backplane;

    protected override ISeatBackplane Backplane => _backplane!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _backplane = await ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_lapse_seen_by_two_instances_is_claimed_by_one()
    {
        var other = await ConnectAsync();
        var show = Guid.NewGuid();
        var expiry = TestClock.Start.AddMinutes(5);
        await Backplane.ExpectExpiriesAsync(show, [expiry]);
        await other.ExpectExpiriesAsync(show, [expiry]);

        await Task.WhenAll(Backplane.ClaimExpiriesAsync(show, expiry), other.ClaimExpiriesAsync(show, expiry));
        await Backplane.ClaimExpiriesAsync(show, expiry.AddSeconds(1));

        Assert.Equal(1, await Backplane.ChangeCountAsync(show));
    }

    private async Task<ISeatBackplane> ConnectAsync()
    {
        var connector = new RedisConnector(ConfigurationOptions.Parse(_redis.Configuration));
        await connector.StartAsync(CancellationToken.None);
        _connections.Add(connector);
        var cache = new MemoryCache(new MemoryCacheOptions());
        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        var backplane = new RedisSeatBackplane(connector, new SeatMapCache(cache), new ShowFactsCache(cache, scopes), Time,
            Microsoft.Extensions.Options.Options.Create(Options), NullLogger<RedisSeatBackplane>.Instance);
        await backplane.StartAsync(CancellationToken.None);
        return backplane;
    }
}
