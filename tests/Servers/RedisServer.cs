using System.Diagnostics;
using StackExchange.Redis;

namespace MovieBooking.Servers;

/// <summary>A throwaway redis-server on a free loopback port, without persistence, stopped on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; private set; }

    public string Configuration => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var redis = ExternalProcess.Find("redis-server", "/usr/bin", "/usr/sbin")
            ?? throw new InvalidOperationException("redis-server is not installed; run ./test.sh (or apt-get install redis-server).");
        for (var attempt = 1; ; attempt++)
        {
            Port = ExternalProcess.FreeTcpPort();
            _process = ExternalProcess.Start(redis, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]);
            // Stopped on dispose; and with the test process, should a fixture never be disposed.
            var process = _process;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
            if (await ReadyAsync(process))
            {
                return;
            }

            // A free port can be taken between choosing it and Redis binding it (as the local port of a connection the
            // tests open); then Redis is started again on another.
            var output = await process.StandardOutput.ReadToEndAsync();
            process.Dispose();
            _process = null;
            if (attempt == 3 || !output.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"redis-server on port {Port} stopped at start:\n{output}");
            }
        }
    }

    /// <summary>Whether the server answers; false once it has exited.</summary>
    private async Task<bool> ReadyAsync(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException) when (process.HasExited)
            {
                return false;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop(_process);
        _process?.Dispose();
        _process = null;
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already disposed: it was stopped then.
        }
    }
}
