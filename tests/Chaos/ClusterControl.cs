using System.Diagnostics;
using System.Globalization;

namespace MovieBooking.Chaos;

/// <summary>
/// Drives a cluster started by <c>scripts/cluster.sh</c> (in <paramref name="directory"/>, nginx on
/// <paramref name="port"/>): its faults, and its database's address for the invariant checks.
/// </summary>
public sealed class ClusterControl(string script, string directory, int port)
{
    public Uri Url { get; } = new($"http://127.0.0.1:{port}");

    /// <summary>The cluster's PostgreSQL database, as the script sets it up (port + 11).</summary>
    public string DatabaseConnectionString { get; } =
        $"Host=127.0.0.1;Port={port + 11};Database=moviebooking;Username=postgres;Pooling=false;Timeout=15";

    /// <summary>Runs <c>cluster.sh</c> with these arguments; throws with its output when it fails.</summary>
    public async Task RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["CLUSTER_DIR"] = directory;
        info.Environment["CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed: {await output}{await errors}");
        }
    }

    public Task FaultAsync(params string[] arguments) => RunAsync(["fault", .. arguments], TimeSpan.FromMinutes(2));
}
