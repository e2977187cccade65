using Npgsql;

namespace MovieBooking.Servers;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, on a free loopback port, with a fresh database per
/// test class. initdb and postgres refuse to run as root, so under root they run as the postgres user.
/// Set MOVIEBOOKING_TEST_POSTGRES to an admin connection string to use an existing server instead.
/// If no server can be started the tests that need one fail; they are never skipped.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string? _dataDirectory;
    private readonly string? _pgCtl;
    private string? _user;
    private string? _log;
    private string[] _settings = [];

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? pgCtl)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _pgCtl = pgCtl;
    }

    /// <summary>A cluster of its own, for tests that stop and restart the server; stopped when the test run ends.</summary>
    public static Task<PostgresServer> StartPrivateAsync() => StartAsync();

    /// <summary>
    /// Stops the server, cutting every connection, as an outage or a restart does. Fast, not immediate: the throwaway
    /// cluster runs without synchronous commits, so an immediate stop would lose commits a real server keeps.
    /// </summary>
    public Task StopAsync() =>
        ExternalProcess.RunAsAsync(_user, _pgCtl ?? throw new InvalidOperationException("An existing server is not stopped by the tests."),
            ["-D", _dataDirectory!, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the stopped server again on the same port.</summary>
    public Task RestartAsync() =>
        ExternalProcess.RunAsAsync(_user, _pgCtl ?? throw new InvalidOperationException("An existing server is not started by the tests."),
            ["-D", _dataDirectory!, "-l", _log!, "-w", "-o", string.Join(' ', _settings), "start"]);

    public string AdminConnectionString { get; }

    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"moviebooking_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var existing = Environment.GetEnvironmentVariable("MOVIEBOOKING_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(existing))
        {
            return new PostgresServer(existing, null, null);
        }

        var binDirectories = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).ToArray()
            : [];
        var initdb = ExternalProcess.Find("initdb", binDirectories)
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no initdb); run ./test.sh (or apt-get install postgresql).");
        var pgCtl = ExternalProcess.Find("pg_ctl", [Path.GetDirectoryName(initdb)!, .. binDirectories])
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no pg_ctl).");

        var root = Path.Combine(Path.GetTempPath(), $"moviebooking-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var user = ExternalProcess.IsRoot ? "postgres" : null;
        if (user is not null)
        {
            await ExternalProcess.RunAsync("chown", [user, root]);
        }

        await ExternalProcess.RunAsAsync(user, initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        var log = Path.Combine(root, "server.log");
        int port;
        string[] settings;
        for (var attempt = 1; ; attempt++)
        {
            // Chosen just before the start; a free port can still be taken meanwhile (as the local port of a connection
            // the tests open), and then the start is tried again on another.
            port = ExternalProcess.FreeTcpPort();
            settings =
            [
                $"-p {port}", $"-k {root}", "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c synchronous_commit=off",
                "-c full_page_writes=off", "-c max_connections=300", "-c shared_buffers=128MB",
            ];
            try
            {
                await ExternalProcess.RunAsAsync(user, pgCtl, ["-D", data, "-l", log, "-w", "-o", string.Join(' ', settings), "start"]);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3 && File.ReadAllText(log).Contains("could not bind", StringComparison.Ordinal))
            {
                File.Delete(log);
            }
        }

        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30", data, pgCtl)
        {
            _user = user,
            _log = log,
            _settings = settings,
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(root, user);
        return server;
    }

    private void Stop(string root, string? user)
    {
        try
        {
            ExternalProcess.RunAsAsync(user, _pgCtl!, ["-D", _dataDirectory!, "-m", "immediate", "stop"]).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException) when (!File.Exists(Path.Combine(_dataDirectory!, "postmaster.pid")))
        {
            // Already stopped (a private server its tests stopped last).
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
