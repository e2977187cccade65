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
        var server = await StartClusterAsync(pgCtl, user, root, data);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(root, user);
        return server;
    }

    /// <summary>
    /// A hot-standby streaming replica of this (private) server on a free port of its own: a base backup of the
    /// primary that follows its WAL. It is stopped when the test run ends, or earlier with <see cref="StopAsync"/>.
    /// </summary>
    public async Task<PostgresServer> StartReplicaAsync()
    {
        var pgCtl = _pgCtl ?? throw new InvalidOperationException("A replica is started only beside a server the tests started.");
        var primary = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var root = Path.Combine(Path.GetTempPath(), $"moviebooking-pg-replica-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        if (_user is not null)
        {
            await ExternalProcess.RunAsync("chown", [_user, root]);
        }

        // -R writes standby.signal and primary_conninfo: started on this copy, PostgreSQL follows the primary.
        // pg_basebackup sits beside the real pg_ctl (PATH may hold only links to a few of PostgreSQL's programs).
        var bin = Path.GetDirectoryName(File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl)!;
        await ExternalProcess.RunAsAsync(_user, Path.Combine(bin, "pg_basebackup"),
            ["-h", primary.Host!, "-p", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", primary.Username!,
             "-D", data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"]);
        var replica = await StartClusterAsync(pgCtl, _user, root, data);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => replica.Stop(root, _user);
        return replica;
    }

    /// <summary>A connection string to <paramref name="database"/> on this server (a primary's database on its replica).</summary>
    public string ConnectionStringTo(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>Starts an initialised data directory on a free loopback port, trying another port if one is taken.</summary>
    private static async Task<PostgresServer> StartClusterAsync(string pgCtl, string? user, string root, string data)
    {
        var log = Path.Combine(root, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            // Chosen just before the start; a free port can still be taken meanwhile (as the local port of a connection
            // the tests open), and then the start is tried again on another.
            var port = ExternalProcess.FreeTcpPort();
            string[] settings =
            [
                $"-p {port}", $"-k {root}", "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c synchronous_commit=off",
                "-c full_page_writes=off", "-c max_connections=300", "-c shared_buffers=128MB",
            ];
            try
            {
                await ExternalProcess.RunAsAsync(user, pgCtl, ["-D", data, "-l", log, "-w", "-o", string.Join(' ', settings), "start"]);
                return new PostgresServer(
                    $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30", data, pgCtl)
                {
                    _user = user,
                    _log = log,
                    _settings = settings,
                };
            }
            catch (InvalidOperationException) when (attempt < 3 && File.ReadAllText(log).Contains("could not bind", StringComparison.Ordinal))
            {
                File.Delete(log);
            }
        }
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
