using MovieBooking.Servers;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>Two instances over one database, and over one Redis where a subclass starts one.</summary>
public abstract class TwoInstancesOfOneDatabase : IAsyncLifetime
{
    private readonly PostgresAppFixture _database = new();

    public MovieBookingApp First { get; private set; } = null!;

    public MovieBookingApp Second { get; private set; } = null!;

    private Task<Actors>? _actors;

    /// <summary>Signed-in clients for every role, on the first instance, created once.</summary>
    public Task<Actors> ActorsAsync() => _actors ??= Actors.CreateAsync(First);

    public async Task InitializeAsync()
    {
        var settings = await _database.CreateSettingsAsync();
        if (await StartRedisAsync() is { } redis)
        {
            settings["Redis:Configuration"] = redis;
        }

        First = new MovieBookingApp(new Dictionary<string, string?>(settings) { ["Seed:Demo"] = "true" });
        First.CreateClient().Dispose();
        Second = new MovieBookingApp(new Dictionary<string, string?>(settings) { ["Seed:Demo"] = "false" });
        Second.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await StopRedisAsync();
        await _database.DropSettingsAsync();
    }

    /// <summary>Starts the Redis both instances share and returns its configuration; null runs them without Redis.</summary>
    protected virtual Task<string?> StartRedisAsync() => Task.FromResult<string?>(null);

    protected virtual ValueTask StopRedisAsync() => ValueTask.CompletedTask;
}

public sealed class TwoInstancesWithRedis : TwoInstancesOfOneDatabase
{
    private readonly RedisServer _redis = new();

    protected override async Task<string?> StartRedisAsync()
    {
        await _redis.StartAsync();
        return _redis.Configuration;
    }

    protected override ValueTask StopRedisAsync() => _redis.DisposeAsync();
}

public sealed class TwoInstancesWithRedisCluster : TwoInstancesOfOneDatabase
{
    private readonly RedisCluster _cluster = new();

    protected override async Task<string?> StartRedisAsync()
    {
        await _cluster.StartAsync();
        return _cluster.Configuration;
    }

    protected override ValueTask StopRedisAsync() => _cluster.DisposeAsync();
}

public sealed class TwoInstancesWithoutRedis : TwoInstancesOfOneDatabase;

