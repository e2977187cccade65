using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace MovieBooking.Servers;

/// <summary>
/// A throwaway Redis Cluster on loopback: three masters with a replica each, without persistence, stopped on dispose.
/// Each node also listens on its port + 10000 for the cluster bus, so ports are chosen below 55536 with that one free too.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Nodes = 6;
    private readonly Dictionary<int, Process> _nodes = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-redis-cluster-{Guid.NewGuid():N}");

    /// <summary>Every node's port, masters and replicas alike, as first started.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Keys];

    /// <summary>A StackExchange.Redis configuration naming every node; the client discovers the slots from any of them.</summary>
    public string Configuration => string.Join(',', _nodes.Keys.Select(port => $"127.0.0.1:{port}"));

    public async Task StartAsync()
    {
        var server = ExternalProcess.Find("redis-server", "/usr/bin", "/usr/sbin")
            ?? throw new InvalidOperationException("redis-server is not installed; run ./test.sh (or apt-get install redis-server).");
        var cli = ExternalProcess.Find("redis-cli", "/usr/bin")
            ?? throw new InvalidOperationException("redis-cli is not installed; run ./test.sh (or apt-get install redis-server).");
        Directory.CreateDirectory(_directory);
        while (_nodes.Count < Nodes)
        {
            var port = FreePortWithBus();
            var process = ExternalProcess.Start(server, [
                "--port", Text(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "1000",
                "--dir", _directory, "--logfile", $"node-{port}.log"]);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
            if (await AnswersAsync(port, process))
            {
                _nodes[port] = process;
            }
            else
            {
                // The port (or its bus port) was taken between choosing and binding it: another port is tried.
                process.Dispose();
            }
        }

        await ExternalProcess.RunAsync(cli, [
            "--cluster", "create", .. _nodes.Keys.Select(port => $"127.0.0.1:{port}"), "--cluster-replicas", "1", "--cluster-yes"]);
        await WaitUntilHealthyAsync();
    }

    /// <summary>Waits until every slot is served by a reachable master again, as after a failover.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var healthy = true;
            foreach (var port in _nodes.Where(node => !node.Value.HasExited).Select(node => node.Key))
            {
                last = await ClusterInfoAsync(port);
                healthy &= last.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && last.Contains("cluster_slots_ok:16384", StringComparison.Ordinal);
            }

            if (healthy)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The Redis Cluster did not become healthy:\n{last}");
    }

    /// <summary>The port of the master that now serves the slot of <paramref name="key"/>.</summary>
    public async Task<int> MasterOfAsync(RedisKey key)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Configuration);
        var slot = connection.HashSlot(key);
        var endpoint = connection.GetServer(Configuration.Split(',')[0]).ClusterConfiguration?.GetBySlot(slot)?.EndPoint
            ?? throw new InvalidOperationException($"No master serves slot {slot}.");
        return ((System.Net.IPEndPoint)endpoint).Port;
    }

    /// <summary>Kills one node at once, as a crash would; its replica (if it was a master) takes over its slots.</summary>
    public void Kill(int port)
    {
        Stop(_nodes[port]);
        _nodes[port].WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in _nodes.Values)
        {
            Stop(process);
            process.Dispose();
        }

        _nodes.Clear();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<string> ClusterInfoAsync(int port)
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(
                $"127.0.0.1:{port},connectTimeout=500,allowAdmin=true");
            var info = await connection.GetServer("127.0.0.1", port).ExecuteAsync("CLUSTER", "INFO");
            return info.ToString();
        }
        catch (RedisException exception)
        {
            return exception.Message;
        }
    }

    private static async Task<bool> AnswersAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=500");
                await connection.GetServer("127.0.0.1", port).PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100);
            }
        }

        Stop(process);
        return false;
    }

    private static int FreePortWithBus()
    {
        while (true)
        {
            var port = ExternalProcess.FreeTcpPort();
            if (port < 55536 && IsFree(port + 10000))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
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
