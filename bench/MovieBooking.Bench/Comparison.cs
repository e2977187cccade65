using System.Globalization;

namespace MovieBooking.Bench;

/// <summary>
/// Compares running services, say two builds, on <c>hold</c>. Each gets the same hold-and-release load in turn, a short
/// window at a time and in alternating order, so the machine's slower and faster spells fall on all of them alike;
/// back-to-back runs cannot tell apart changes smaller than those spells.
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

        foreach (var (target, i) in targets.Select((t, i) => (t, i)))
        {
            await Load.RunAsync($"warm-up {i + 1}", options.Connections, options.Warmup, target.Loop(options.Connections));
        }

        var window = options.Window;
        for (var round = 0; round < options.Rounds; round++)
        {
            var order = round % 2 == 0 ? targets : Enumerable.Reverse(targets);
            foreach (var target in order)
            {
                target.Windows.Add(await Load.RunAsync($"{targets.IndexOf(target) + 1}: {round + 1}", options.Connections, window, target.Loop(options.Connections)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"hold, {options.Connections} connections, {options.Rounds} windows of {window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per service, in turn");
        Console.WriteLine("| service | requests/s | vs first | 5xx | failed | requests/s per window |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
        var first = targets[0].RequestsPerSecond;
        foreach (var target in targets)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {target.Url} | {target.RequestsPerSecond:F0} | {target.RequestsPerSecond / first:P1} | {target.Windows.Sum(w => w.Recorder.ServerErrors)} | {target.Windows.Sum(w => w.Recorder.Failures)} | {string.Join(' ', target.Windows.Select(w => w.RequestsPerSecond.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }

        return targets.Sum(t => t.Windows.Sum(w => w.Recorder.ServerErrors + w.Recorder.Failures)) == 0 ? 0 : 1;
    }

    private sealed record Target(string Url, BenchApi Api, string[] Tokens, string Show)
    {
        public List<ScenarioResult> Windows { get; } = [];

        public double RequestsPerSecond => Windows.Sum(w => w.Recorder.Requests) / Windows.Sum(w => w.Elapsed.TotalSeconds);

        public Func<int, Recorder, CancellationToken, Task> Loop(int connections) =>
            (worker, recorder, stop) => Api.HoldAndReleaseAsync(recorder, Tokens[worker], Show, BenchApi.SeatsOf(worker, connections), stop);
    }
}
