namespace MovieBooking.Tests.Infrastructure;

/// <summary>A running app over its own fresh, seeded database: one per test class.</summary>
public abstract class AppFixture : IAsyncLifetime
{
    private MovieBookingApp? _app;

    public MovieBookingApp App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    public HttpClient Client { get; private set; } = null!;

    public abstract string StoreName { get; }

    private Task<Actors>? _actors;
    private Task<HttpClient[]>? _shoppers;

    /// <summary>Signed-in clients of distinct users (created once per fixture) for races and per-user rules.</summary>
    public Task<HttpClient[]> ShoppersAsync() => _shoppers ??= Shoppers.CreateAsync(App, 40);

    /// <summary>Signed-in clients for every role, created once per fixture.</summary>
    public Task<Actors> ActorsAsync() => _actors ??= Actors.CreateAsync(App);

    /// <summary>The settings the app was started with: another app started with them shares its database.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(await CreateDatabaseAsync()) { ["Seed:Demo"] = "true" };
        Configure(settings);
        Settings = settings;
        _app = new MovieBookingApp(settings, ConfigureServices);
        Client = _app.CreateClient();
    }

    /// <summary>Services a fixture adds to the app's.</summary>
    public virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>Settings a fixture adds to the database's.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Settings that point the app at a new empty database.</summary>
    protected abstract Task<Dictionary<string, string?>> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();
}

public class SqliteAppFixture : AppFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-test-{Guid.NewGuid():N}");

    public override string StoreName => "SQLite";

    public string DatabaseFile => Path.Combine(_directory, "catalog.db");

    protected override Task<Dictionary<string, string?>> CreateDatabaseAsync() =>
        Task.FromResult(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Default"] = $"Data Source={DatabaseFile}",
        });

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

public class PostgresAppFixture : AppFixture
{
    private string? _connectionString;

    public override string StoreName => "PostgreSQL";

    protected override async Task<Dictionary<string, string?>> CreateDatabaseAsync()
    {
        var server = await PostgresServer.SharedAsync();
        _connectionString = await server.CreateDatabaseAsync();
        return new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = _connectionString,
        };
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            await (await PostgresServer.SharedAsync()).DropDatabaseAsync(_connectionString);
        }
    }

    internal Task<Dictionary<string, string?>> CreateSettingsAsync() => CreateDatabaseAsync();

    internal Task DropSettingsAsync() => DropDatabaseAsync();
}

/// <summary>Holds in a throwaway Redis, sales settled in a fresh PostgreSQL database.</summary>
public sealed class RedisAppFixture : AppFixture
{
    private readonly PostgresAppFixture _database = new();

    public RedisServer Redis { get; } = new();

    public override string StoreName => "Redis";

    protected override async Task<Dictionary<string, string?>> CreateDatabaseAsync()
    {
        await Redis.StartAsync();
        var settings = await _database.CreateSettingsAsync();
        settings["Redis:Configuration"] = Redis.Configuration;
        return settings;
    }

    protected override async Task DropDatabaseAsync()
    {
        await Redis.DisposeAsync();
        await _database.DropSettingsAsync();
    }
}

/// <summary>Holds in a throwaway Redis Cluster (three masters, a replica each), sales settled in a fresh PostgreSQL database.</summary>
public sealed class RedisClusterAppFixture : AppFixture
{
    private readonly PostgresAppFixture _database = new();

    public RedisCluster Cluster { get; } = new();

    public override string StoreName => "Redis Cluster";

    protected override async Task<Dictionary<string, string?>> CreateDatabaseAsync()
    {
        await Cluster.StartAsync();
        var settings = await _database.CreateSettingsAsync();
        settings["Redis:Configuration"] = Cluster.Configuration;
        return settings;
    }

    protected override async Task DropDatabaseAsync()
    {
        await Cluster.DisposeAsync();
        await _database.DropSettingsAsync();
    }
}

/// <summary>
/// A private PostgreSQL primary with a streaming replica beside it, the app reading what may lag from the replica.
/// Private, so the replica follows this class's writes alone and tests may pause it, stop it and start it again.
/// </summary>
public sealed class ReplicaAppFixture : AppFixture
{
    public PostgresServer Primary { get; private set; } = null!;

    public PostgresServer Replica { get; private set; } = null!;

    public override string StoreName => "PostgreSQL with a read replica";

    /// <summary>Lag the replica may have before its reads go back to the primary.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(1);

    protected override async Task<Dictionary<string, string?>> CreateDatabaseAsync()
    {
        Primary = await PostgresServer.StartPrivateAsync();
        var primary = await Primary.CreateDatabaseAsync();
        Replica = await Primary.StartReplicaAsync();
        return new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = primary,
            ["ConnectionStrings:Replica"] = Replica.ConnectionStringTo(new Npgsql.NpgsqlConnectionStringBuilder(primary).Database!),
            ["Database:ReplicaMaxLag"] = MaxLag.ToString(),
        };
    }

    protected override async Task DropDatabaseAsync()
    {
        await Replica.StopAsync();
        await Primary.StopAsync();
    }
}
