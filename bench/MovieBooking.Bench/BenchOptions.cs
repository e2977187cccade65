using System.Globalization;

namespace MovieBooking.Bench;

internal sealed record BenchOptions(
    string Store, string? Url, int Connections, int ContendedConnections, TimeSpan Duration, TimeSpan Warmup, IReadOnlyList<string> Scenarios,
    int Watchers = 2000, double WatchRate = 40, IReadOnlyList<string>? Compare = null, int Rounds = 10, TimeSpan Window = default)
{
    public static readonly string[] AllScenarios = ["health", "seatmap", "hold", "contended", "booking", "payment", "watchers"];

    /// <summary>The scenarios <c>--compare</c> can weigh.</summary>
    public static readonly string[] ComparedScenarios = ["health", "hold"];

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions("sqlite", null, 64, 256, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), AllScenarios, Window: TimeSpan.FromSeconds(4));
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--store" => options with { Store = Value().ToLowerInvariant() },
                "--url" => options with { Url = Value().TrimEnd('/') },
                "--connections" => options with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--contended-connections" => options with { ContendedConnections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--watchers" => options with { Watchers = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--watch-rate" => options with { WatchRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--compare" => options with { Compare = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => u.TrimEnd('/'))] },
                "--rounds" => options with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--window" => options with { Window = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--scenarios" => options with { Scenarios = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument {args[i]}.\n{Usage}"),
            };
        }

        if (options.Store is not ("sqlite" or "postgres" or "redis"))
        {
            throw new ArgumentException("--store is sqlite, postgres or redis.");
        }

        if (options.Compare is { } compared)
        {
            // Compared on hold unless told otherwise; health beside it gives each service's ratio.
            options = ReferenceEquals(options.Scenarios, AllScenarios) ? options with { Scenarios = ["hold"] } : options;
            if (options.Scenarios.Except(ComparedScenarios).FirstOrDefault() is { } other)
            {
                throw new ArgumentException($"--compare runs {string.Join(" and ", ComparedScenarios)}, not {other}.");
            }

            if (compared.Count < 2 && options.Scenarios.Distinct().Count() < 2)
            {
                throw new ArgumentException("--compare takes two or more running services' URLs, separated by commas, or one with --scenarios health,hold.");
            }
        }

        if (options.Rounds < 1 || options.Window <= TimeSpan.Zero)
        {
            throw new ArgumentException("--rounds is at least 1 and --window more than 0 seconds.");
        }

        if (options.Scenarios.Except(AllScenarios).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario {unknown}; scenarios are {string.Join(", ", AllScenarios)}.");
        }

        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/MovieBooking.Bench -- [options]
          --store sqlite|postgres|redis   store the started service uses (default sqlite)
          --url http://host:port          target a running service instead of starting one
          --connections N                 connections per scenario (default 64)
          --contended-connections N       connections racing in 'contended' (default 256)
          --duration S                    seconds per timed scenario (default 10)
          --warmup S                      unrecorded seconds before health, seatmap and hold (default 30)
          --watchers N                    open seat map streams in 'watchers' (default 2000)
          --watch-rate R                  holds and releases a second while they watch (default 40)
          --scenarios a,b,…               health, seatmap, hold, contended, booking, payment, watchers (default all)
          --compare URL,URL,…             instead: 'hold' on running services in turn, a window at a time (say, two builds);
                                          with --scenarios health,hold, both in turn and each service's hold/health ratio
          --rounds N                      windows per service and scenario in --compare (default 10)
          --window S                      seconds per window in --compare (default 4)
        """;
}
