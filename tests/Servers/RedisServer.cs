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
        Port = ExternalProcess.FreeTcpPort();
        _process = ExternalProcess.Start(redis, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]);
        // Stopped on dispose; and with the test process, should a fixture never be disposed.
        var process = _process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{Configuration},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
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
