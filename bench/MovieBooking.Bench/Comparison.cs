using System.Globalization;

namespace MovieBooking.Bench;

/// <summary>
/// Compares running services, say two builds, on <c>hold</c> (and <c>health</c>, when asked). Each service and scenario
/// gets its load in turn, a short window at a time and in alternating order, so the machine's slower and faster spells
/// fall on all of them alike; back-to-back runs cannot tell apart changes smaller than those spells. With both
/// scenarios, each service's <c>hold</c> to <c>health</c> ratio is measured the same way.
/// </summary>
internal static class Comparison
{
    public static async Task<int> RunAsync(IReadOnlyList<string> urls, BenchOptions options)
    {
        var targets = new List<Target>();
        foreach (var url in urls)
        {
            Console.WriteLine($"Target {url}; preparing users and a show…");
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            var api = new BenchApi(new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) });
            await api.PrepareAsync();
            targets.Add(new Target(url, api, await api.CreateUsersAsync(options.Connections), await api.CreateShowAsync()));
        }

        var scenarios = options.Scenarios.Distinct().ToList();
        var runs = targets.SelectMany(t => scenarios.Select(s => new Run(t, s))).ToList();
        foreach (var run in runs)
        {
            await Load.RunAsync($"warm-up {run.Name(targets)}", options.Connections, options.Warmup, run.Loop(options.Connections));
        }

        var window = options.Window;
        for (var round = 0; round < options.RoundCount; round++)
        {
            foreach (var run in round % 2 == 0 ? runs : Enumerable.Reverse(runs))
            {
                run.Windows.Add(await Load.RunAsync($"{run.Name(targets)}: {round + 1}", options.Connections, window, run.Loop(options.Connections)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{string.Join(" and ", scenarios)}, {options.Connections} connections, {options.RoundCount} windows of {window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per service and scenario, in turn");
        Console.WriteLine("| service | scenario | requests/s | vs first | 5xx | failed | requests/s per window |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var run in runs)
        {
            var first = runs.First(r => r.Scenario == run.Scenario).RequestsPerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run.Target.Url} | {run.Scenario} | {run.RequestsPerSecond:F0} | {run.RequestsPerSecond / first:P1} | {run.Windows.Sum(w => w.Recorder.ServerErrors)} | {run.Windows.Sum(w => w.Recorder.Failures)} | {string.Join(' ', run.Windows.Select(w => w.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }

        if (scenarios.Count == 2)
        {
            // Each round's hold window against the health window next to it, then all of them together.
            Console.WriteLine();
            Console.WriteLine("| service | hold vs health | per round |");
            Console.WriteLine("| --- | ---: | --- |");
            foreach (var target in targets)
            {
                var health = runs.Single(r => r.Target == target && r.Scenario == "health");
                var hold = runs.Single(r => r.Target == target && r.Scenario == "hold");
                var rounds = hold.Windows.Zip(health.Windows, (h, s) => h.RequestsPerSecond / s.RequestsPerSecond);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {target.Url} | {hold.RequestsPerSecond / health.RequestsPerSecond:P1} | {string.Join(' ', rounds.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))} |"));
            }
        }

        return runs.Sum(r => r.Windows.Sum(w => w.Recorder.ServerErrors + w.Recorder.Failures)) == 0 ? 0 : 1;
    }

    private sealed record Target(string Url, BenchApi Api, string[] Tokens, string Show);

    private sealed record Run(Target Target, string Scenario)
    {
        public List<ScenarioResult> Windows { get; } = [];

        public double RequestsPerSecond => Windows.Sum(w => w.Recorder.Requests) / Windows.Sum(w => w.Elapsed.TotalSeconds);

        public string Name(List<Target> targets) => $"{targets.IndexOf(Target) + 1} {Scenario}";

        public Func<int, Recorder, CancellationToken, Task> Loop(int connections) => Scenario switch
        {
            "health" => (_, recorder, stop) => Target.Api.HealthAsync(recorder, stop),
            _ => (worker, recorder, stop) => Target.Api.HoldAndReleaseAsync(recorder, Target.Tokens[worker], Target.Show, BenchApi.SeatsOf(worker, connections), stop),
        };
    }
}
