using MovieBooking.Servers;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>Two instances over one database; with Redis when <paramref name="withRedis"/> is set.</summary>
public abstract class TwoInstancesOfOneDatabase(bool withRedis) : IAsyncLifetime
{
    private readonly PostgresAppFixture _database = new();
    private readonly RedisServer _redis = new();

    public MovieBookingApp First { get; private set; } = null!;

    public MovieBookingApp Second { get; private set; } = null!;

    private Task<Actors>? _actors;

    /// <summary>Signed-in clients for every role, on the first instance, created once.</summary>
    public Task<Actors> ActorsAsync() => _actors ??= Actors.CreateAsync(First);

    public async Task InitializeAsync()
    {
        var settings = await _database.CreateSettingsAsync();
        if (withRedis)
        {
            await _redis.StartAsync();
            settings["Redis:Configuration"] = _redis.Configuration;
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
        await _redis.DisposeAsync();
        await _database.DropSettingsAsync();
    }
}

public sealed class TwoInstancesWithRedis() : TwoInstancesOfOneDatabase(withRedis: true);

public sealed class TwoInstancesWithoutRedis() : TwoInstancesOfOneDatabase(withRedis: false);

