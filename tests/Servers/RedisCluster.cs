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
    private string _server = "";

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
        _server = server;
        while (_nodes.Count < Nodes)
        {
            var port = FreePortWithBus();
            var process = StartNode(port);
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
        await WaitUntilReplicatedAsync();
    }

    /// <summary>
    /// Waits until every replica has finished its first sync with its master: a replica that never had its master's data
    /// refuses to take over from it, and the cluster would stay down after a master is killed.
    /// </summary>
    public Task WaitUntilReplicatedAsync() => UntilEveryLiveNodeAsync(
        port => InfoAsync(port, "replication"),
        replication => replication.Contains("role:master", StringComparison.Ordinal)
            || replication.Contains("master_link_status:up", StringComparison.Ordinal),
        "A replica of the Redis Cluster did not sync with its master");

    /// <summary>Waits until every slot is served by a reachable master again, as after a failover.</summary>
    public Task WaitUntilHealthyAsync() => UntilEveryLiveNodeAsync(
        ClusterInfoAsync,
        info => info.Contains("cluster_state:ok", StringComparison.Ordinal) && info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal),
        "The Redis Cluster did not become healthy");

    /// <summary>The port of the master that now serves the slot of <paramref name="key"/>.</summary>
    public async Task<int> MasterOfAsync(RedisKey key)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Configuration);
        var slot = connection.HashSlot(key);
        var endpoint = connection.GetServer(Configuration.Split(',')[0]).ClusterConfiguration?.GetBySlot(slot)?.EndPoint
            ?? throw new InvalidOperationException($"No master serves slot {slot}.");
        return ((System.Net.IPEndPoint)endpoint).Port;
    }

    /// <summary>The port of the replica that follows the master on <paramref name="master"/>.</summary>
    public async Task<int> ReplicaOfAsync(int master)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Configuration);
        var nodes = connection.GetServer("127.0.0.1", master).ClusterConfiguration?.Nodes ?? [];
        var replica = nodes.FirstOrDefault(node => node.IsReplica && node.Parent?.EndPoint is System.Net.IPEndPoint { Port: var port } && port == master)
            ?? throw new InvalidOperationException($"No replica follows the master on {master}.");
        return ((System.Net.IPEndPoint)replica.EndPoint!).Port;
    }

    /// <summary>Kills one node at once, as a crash would; its replica (if it was a master) takes over its slots.</summary>
    public void Kill(int port)
    {
        Stop(_nodes[port]);
        _nodes[port].WaitForExit();
    }

    /// <summary>Starts a killed node again on its port: it rejoins the cluster from its nodes file, without its data.</summary>
    public async Task RestartAsync(int port)
    {
        _nodes[port].Dispose();
        _nodes[port] = StartNode(port);
        if (!await AnswersAsync(port, _nodes[port]))
        {
            throw new InvalidOperationException($"The Redis node on {port} did not start again; see {_directory}.");
        }
    }

    /// <summary>Waits until the nodes still running say the cluster is down, as when a slot has no master left.</summary>
    public Task WaitUntilDownAsync() => UntilEveryLiveNodeAsync(
        ClusterInfoAsync, info => info.Contains("cluster_state:fail", StringComparison.Ordinal), "The Redis Cluster still says it is up");

    /// <summary>Asks every node still running until each answer satisfies <paramref name="done"/>, for up to 30 s.</summary>
    private async Task UntilEveryLiveNodeAsync(Func<int, Task<string>> ask, Func<string, bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in _nodes.Where(node => !node.Value.HasExited).Select(node => node.Key))
        {
            string answer;
            while (!done(answer = await ask(port)))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{failure}: node {port} says\n{answer}\n{LogTails()}");
                }

                await Task.Delay(100);
            }
        }
    }

    private Process StartNode(int port)
    {
        var process = ExternalProcess.Start(_server, [
            "--port", Text(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "1000",
            "--repl-diskless-sync-delay", "0",
            "--dir", _directory, "--logfile", $"node-{port}.log"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
        return process;
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

    /// <summary>The last lines each node logged, to tell why a failover did not happen.</summary>
    private string LogTails() => string.Join('\n', _nodes.Keys.Select(port =>
    {
        var log = Path.Combine(_directory, $"node-{port}.log");
        return File.Exists(log) ? $"node {port}:\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}" : "";
    }));

    private static Task<string> ClusterInfoAsync(int port) => AskAsync(port, "CLUSTER", "INFO");

    private static Task<string> InfoAsync(int port, string section) => AskAsync(port, "INFO", section);

    private static async Task<string> AskAsync(int port, string command, params object[] arguments)
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(
                $"127.0.0.1:{port},connectTimeout=500,allowAdmin=true");
            var answer = await connection.GetServer("127.0.0.1", port).ExecuteAsync(command, arguments);
            return answer.ToString();
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
