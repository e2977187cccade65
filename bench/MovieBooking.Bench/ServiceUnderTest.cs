using System.Diagnostics;
using System.Globalization;
using MovieBooking.Servers;

namespace MovieBooking.Bench;

/// <summary>The service started for the run (Release build, its own process) with the store's servers.</summary>
internal sealed class ServiceUnderTest : IAsyncDisposable
{
    private Process? _process;
    private PostgresServer? _postgres;
    private string? _postgresDatabase;
    private RedisServer? _redis;
    private string? _directory;

    public required string Url { get; init; }

    public string? SqliteFile { get; private set; }

    public string? PostgresConnection => _postgresDatabase;

    /// <summary>The mail server the service sends to.</summary>
    public SmtpReceiver Smtp { get; } = new();

    public static async Task<ServiceUnderTest> StartAsync(string store, IReadOnlyDictionary<string, string>? settings = null)
    {
        var root = FindRepositoryRoot();
        var directory = Path.Combine(Path.GetTempPath(), $"moviebooking-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = ExternalProcess.FreeTcpPort();
        var service = new ServiceUnderTest { Url = $"http://127.0.0.1:{port}", _directory = directory };

        Console.WriteLine("Building the service (Release)…");
        await ExternalProcess.RunAsync("dotnet", ["build", Path.Combine(root, "src", "MovieBooking.Api"), "-c", "Release", "-o", Path.Combine(directory, "api"), "-v", "q", "-nologo"], TimeSpan.FromMinutes(5));

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["Seed__Demo"] = "true",
            ["Jwt__SigningKey"] = "bench-only-signing-key-" + Guid.NewGuid().ToString("N"),
            ["Tickets__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // The sandbox pays in the booking and payment scenarios: enabled on purpose, with secrets of this run.
            ["Payments__Sandbox__Enabled"] = "true",
            ["Payments__Sandbox__KeySecret"] = "bench-only-" + Guid.NewGuid().ToString("N"),
            ["Payments__Sandbox__WebhookSecret"] = "bench-only-" + Guid.NewGuid().ToString("N"),
            ["RateLimiting__Auth__PermitLimit"] = "1000000",
            ["RateLimiting__Holds__PermitLimit"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Notifications__Email__SmtpHost"] = "127.0.0.1",
            ["Notifications__Email__SmtpPort"] = service.Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications__Email__SmtpSecurity"] = "None",
        };
        switch (store)
        {
            case "sqlite":
                service.SqliteFile = Path.Combine(directory, "bench.db");
                environment["Database__Provider"] = "Sqlite";
                environment["ConnectionStrings__Default"] = $"Data Source={service.SqliteFile}";
                break;
            default:
                service._postgres = await PostgresServer.SharedAsync();
                service._postgresDatabase = await service._postgres.CreateDatabaseAsync();
                environment["Database__Provider"] = "Postgres";
                environment["ConnectionStrings__Default"] = service._postgresDatabase;
                if (store == "redis")
                {
                    service._redis = new RedisServer();
                    await service._redis.StartAsync();
                    environment["Redis__Configuration"] = service._redis.Configuration;
                }

                break;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var info = new ProcessStartInfo("dotnet", [Path.Combine(directory, "api", "MovieBooking.Api.dll")])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        service._process = Process.Start(info)!;
        _ = service._process.StandardOutput.ReadToEndAsync();
        _ = service._process.StandardError.ReadToEndAsync();
        await WaitUntilReadyAsync(service.Url, service._process);
        return service;
    }

    /// <summary>Peak resident memory of the service process so far (VmHWM), in bytes.</summary>
    public long? PeakWorkingSet() => ProcessStatus("VmHWM:");

    /// <summary>Resident memory of the service process now (VmRSS), in bytes.</summary>
    public long? WorkingSet() => ProcessStatus("VmRSS:");

    private long? ProcessStatus(string field)
    {
        if (_process is null || !File.Exists($"/proc/{_process.Id}/status"))
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        await Smtp.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null && _postgresDatabase is not null)
        {
            await _postgres.DropDatabaseAsync(_postgresDatabase);
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task WaitUntilReadyAsync(string url, Process process)
    {
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"{url}/api/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"The service did not become ready (exit code {(process.HasExited ? process.ExitCode : "none")}).");
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MovieBooking.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the load generator from inside the repository.");
    }
}
