using MovieBooking.Servers;

namespace MovieBooking.Bench;

/// <summary>What a run's figures were measured on and from, printed with them so every table names both.</summary>
internal static class Machine
{
    /// <summary>The CPU as <c>/proc/cpuinfo</c> names it (model name, family, model, clock) and the cores the run saw.</summary>
    public static string Describe()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
            }
        }

        var cpu = fields.GetValueOrDefault("model name", "unknown CPU");
        var detail = string.Join(", ", new[]
        {
            fields.TryGetValue("cpu family", out var family) ? $"family {family}" : null,
            fields.TryGetValue("model", out var model) ? $"model {model}" : null,
            fields.TryGetValue("cpu MHz", out var mhz) && double.TryParse(mhz, System.Globalization.CultureInfo.InvariantCulture, out var clock) ? $"{clock:F0} MHz" : null,
        }.Where(part => part is not null));
        return $"{cpu}{(detail.Length > 0 ? $" ({detail})" : "")}, {Environment.ProcessorCount} cores";
    }

    /// <summary>The commit the load generator was built from, and whether the working tree differs from it.</summary>
    public static async Task<string> CommitAsync()
    {
        try
        {
            var root = ServiceUnderTest.FindRepositoryRoot();
            var commit = (await ExternalProcess.RunAsync("git", ["-C", root, "rev-parse", "--short", "HEAD"], TimeSpan.FromSeconds(10))).Trim();
            var changed = (await ExternalProcess.RunAsync("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"], TimeSpan.FromSeconds(10))).Trim();
            return changed.Length == 0 ? commit : $"{commit} with uncommitted changes";
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return "unknown commit";
        }
    }
}
