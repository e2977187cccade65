using System.Globalization;

namespace MovieBooking.Bench;

internal sealed record BenchOptions(
    string Store, string? Url, int Connections, int ContendedConnections, TimeSpan Duration, TimeSpan Warmup, IReadOnlyList<string> Scenarios,
    int Watchers = 2000, double WatchRate = 40, IReadOnlyList<string>? Compare = null, int? Rounds = null, TimeSpan Window = default,
    string ClusterDir = "data/cluster", int ClusterPort = 8080, TimeSpan Outage = default, TimeSpan HoldTtl = default, TimeSpan SettleWithin = default,
    IReadOnlyDictionary<string, string>? ServiceSettings = null)
{
    public static readonly string[] AllScenarios = ["health", "seatmap", "hold", "best", "contended", "booking", "payment", "booking-extras", "payment-extras", "notifications", "watchers"];

    /// <summary>Scenarios run only when named: <c>chaos</c> injects faults into a running cluster.</summary>
    public static readonly string[] NamedScenarios = ["chaos"];

    /// <summary>Windows a service in <c>--compare</c> (ten); otherwise windows of each timed scenario's <c>--duration</c>, beside health (five).</summary>
    public int RoundCount => Rounds ?? (Compare is null ? 5 : 10);

    /// <summary>The scenarios <c>--compare</c> can weigh.</summary>
    public static readonly string[] ComparedScenarios = ["health", "hold"];

    /// <summary>A setting of the started service, <c>Name=value</c> as an environment variable (<c>Notifications__Dispatch=false</c>).</summary>
    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string>? settings, string setting)
    {
        var split = setting.IndexOf('=', StringComparison.Ordinal);
        if (split < 1)
        {
            throw new ArgumentException($"--set takes Name=value, not '{setting}'.");
        }

        return new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { [setting[..split]] = setting[(split + 1)..] };
    }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions("sqlite", null, 64, 256, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), AllScenarios, Window: TimeSpan.FromSeconds(4),
            Outage: TimeSpan.FromSeconds(10), HoldTtl: TimeSpan.FromMinutes(5), SettleWithin: TimeSpan.FromMinutes(3));
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
                "--cluster-dir" => options with { ClusterDir = Value() },
                "--cluster-port" => options with { ClusterPort = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--outage" => options with { Outage = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--hold-ttl" => options with { HoldTtl = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--settle-within" => options with { SettleWithin = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--set" => options with { ServiceSettings = WithSetting(options.ServiceSettings, Value()) },
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

        if (options.RoundCount < 1 || options.Window <= TimeSpan.Zero)
        {
            throw new ArgumentException("--rounds is at least 1 and --window more than 0 seconds.");
        }

        if (options.Scenarios.Except(AllScenarios).Except(NamedScenarios).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown scenario {unknown}; scenarios are {string.Join(", ", AllScenarios.Concat(NamedScenarios))}.");
        }

        if (options.Scenarios.Contains("chaos") && options.Scenarios.Count > 1)
        {
            throw new ArgumentException("--scenarios chaos runs alone, against a cluster started by scripts/cluster.sh.");
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
          --warmup S                      unrecorded seconds before every scenario but contended and watchers (default 30)
          --watchers N                    open seat map streams in 'watchers' (default 2000)
          --watch-rate R                  holds and releases a second while they watch (default 40)
          --set Name=value                a setting of the started service (repeatable), e.g. Notifications__Dispatch=false
          --scenarios a,b,…               health, seatmap, hold, best, contended, booking, payment, booking-extras,
                                          payment-extras (as booking and payment, plus an offer code and food),
                                          notifications (as payment, then the time from each confirmation to its
                                          email at the bench's SMTP server; needs the service the bench starts),
                                          watchers (default all),
                                          or chaos alone: faults injected into a running scripts/cluster.sh cluster
                                          (--connections buyers, --duration seconds of calm around each fault)
          --cluster-dir D, --cluster-port P   the chaos run's cluster (default data/cluster, 8080, as cluster.sh)
          --outage S                      seconds each chaos fault lasts (default 10)
          --hold-ttl S                    the cluster's Booking__HoldTtl, so late payers pay after it (default 300)
          --settle-within S               seconds every payment may take to be final after the load (default 180)
          --compare URL,URL,…             instead: 'hold' on running services in turn, a window at a time (say, two builds);
                                          with --scenarios health,hold, both in turn and each service's hold/health ratio
          --rounds N                      windows each timed scenario's --duration is run in, each beside a window of
                                          health as long, for its ratio to health (default 5); in --compare, windows
                                          per service and scenario (default 10)
          --window S                      seconds per window in --compare (default 4)
        """;
}
