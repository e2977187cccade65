using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace MovieBooking.Bench;

/// <summary>
/// Latency and status counts of one scenario, recorded by many workers. Each thread records its latencies into a
/// histogram of its own, so the workers never wait for one another; they are merged once the scenario is over.
/// </summary>
internal sealed class Recorder
{
    // The histogram the current thread records into, and whose it is.
    [ThreadStatic]
    private static (Recorder Owner, LongHistogram Histogram)? _threadLatency;

    private readonly ConcurrentBag<LongHistogram> _latency = [];
    private readonly ConcurrentDictionary<string, Recorder> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _stepOrder = new();

    public long Requests;
    public long Success;
    public long Conflicts;
    public long ClientErrors;
    public long ServerErrors;
    public long Failures;

    /// <summary>Connections that ran out of seats before the time was up (their figures end early).</summary>
    public long RanOut;

    /// <summary>The steps recorded apart, in the order first used (two workers may both enqueue a step's first use).</summary>
    public IEnumerable<(string Name, Recorder Recorder)> Steps => _stepOrder.Distinct(StringComparer.Ordinal).Select(name => (name, _steps[name]));

    /// <summary>The recorder of one step of this scenario (a purchase's hold, its payment's start…), made on first use.</summary>
    public Recorder Step(string name) => _steps.GetOrAdd(name, key =>
    {
        _stepOrder.Enqueue(key);
        return new Recorder();
    });

    /// <summary>Records something that succeeded, started at <paramref name="start"/> (a <see cref="Stopwatch"/> timestamp), such as a whole purchase.</summary>
    public void Record(long start)
    {
        ThreadLatency().RecordValue(Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref Requests);
        Interlocked.Increment(ref Success);
    }

    public async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpRequestMessage request, bool timed = true)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            if (timed)
            {
                ThreadLatency().RecordValue(Stopwatch.GetTimestamp() - start);
            }

            Interlocked.Increment(ref Requests);
            if (status < 400)
            {
                Interlocked.Increment(ref Success);
            }
            else if (status == 409)
            {
                Interlocked.Increment(ref Conflicts);
            }
            else if (status < 500)
            {
                Interlocked.Increment(ref ClientErrors);
            }
            else
            {
                Interlocked.Increment(ref ServerErrors);
            }

            return response;
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref Failures);
            return null;
        }
    }

    /// <summary>The latency at <paramref name="percentile"/>, once the scenario's workers are done.</summary>
    public double PercentileMs(double percentile)
    {
        var latency = Latency();
        return latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>The longest latency, once the scenario's workers are done.</summary>
    public double MaxMs()
    {
        var latency = Latency();
        return latency.TotalCount == 0 ? 0 : latency.GetMaxValue() * 1000.0 / Stopwatch.Frequency;
    }

    private static LongHistogram NewHistogram() => new(TimeStamp.Minutes(1), 3);

    private LongHistogram ThreadLatency()
    {
        if (_threadLatency is not { } mine || mine.Owner != this)
        {
            mine = (this, NewHistogram());
            _latency.Add(mine.Histogram);
            _threadLatency = mine;
        }

        return mine.Histogram;
    }

    private LongHistogram Latency()
    {
        var all = NewHistogram();
        foreach (var histogram in _latency)
        {
            all.Add(histogram);
        }

        return all;
    }
}

internal sealed record ScenarioResult(string Name, int Connections, TimeSpan Elapsed, Recorder Recorder)
{
    public double RequestsPerSecond => Recorder.Requests / Elapsed.TotalSeconds;

    /// <summary>The <c>health</c> windows run beside this scenario's, when it ran in rounds; its ratios are to these.</summary>
    public ScenarioResult? Beside { get; init; }

    /// <summary>Each window's rate against the mean of the <c>health</c> windows before and after it, when it ran in rounds.</summary>
    public IReadOnlyList<double> RoundRatios { get; init; } = [];
}

internal static class Load
{
    /// <summary>
    /// Runs one loop per connection until the loop ends or the time is up, printing progress. A warm-up run first
    /// (not recorded) lets the service compile its code paths and fill its pools.
    /// </summary>
    /// <param name="afterWarmup">Called with the warm-up's figures before the recorded run (to prepare enough for it).</param>
    public static async Task<ScenarioResult> RunAsync(
        string name, int connections, TimeSpan duration, Func<int, Recorder, CancellationToken, Task> loop, TimeSpan warmup = default,
        Func<ScenarioResult, Task>? afterWarmup = null)
    {
        await WarmUpAsync(name, connections, loop, warmup, afterWarmup);
        var recorder = new Recorder();
        return new ScenarioResult(name, connections, await RunOnceAsync(name, connections, duration, loop, recorder), recorder);
    }

    /// <summary>
    /// As <see cref="RunAsync"/>, but the recorded time is split into <paramref name="rounds"/> windows with a window of
    /// <paramref name="beside"/> (the health check) as long before each and after the last. Whether the machine runs fast
    /// or slow for a while then falls on both alike, so the ratio between them is the service's and not the moment's.
    /// The loop is started afresh in every window; a loop with progress to keep keeps it itself. Every window ends when
    /// its requests in flight are answered, which costs a loop whose iterations take long (a purchase) a part of a
    /// short window's rate: such loops run in one window. <paramref name="settle"/>, when given, waits before each window of
    /// health until the work the scenario left behind (emails to send) is done, so health is measured on a quiet service.
    /// </summary>
    public static async Task<ScenarioResult> RunBesideAsync(
        string name, int connections, TimeSpan duration, int rounds, Func<int, Recorder, CancellationToken, Task> loop,
        Func<int, Recorder, CancellationToken, Task> beside, TimeSpan warmup = default, Func<ScenarioResult, Task>? afterWarmup = null,
        Func<Task>? settle = null)
    {
        await WarmUpAsync(name, connections, loop, warmup, afterWarmup);
        var window = duration / rounds;
        var (recorder, health) = (new Recorder(), new Recorder());
        var (elapsed, healthElapsed) = (TimeSpan.Zero, TimeSpan.Zero);
        var windows = new List<double>();
        var healthWindows = new List<double>();
        async Task HealthAsync(int round)
        {
            if (settle is not null)
            {
                await settle();
            }

            var before = health.Requests;
            var ran = await RunOnceAsync($"health {round}/{rounds + 1}", connections, window, beside, health);
            healthElapsed += ran;
            healthWindows.Add((health.Requests - before) / ran.TotalSeconds);
        }

        for (var round = 1; round <= rounds; round++)
        {
            await HealthAsync(round);
            var before = recorder.Requests;
            var ran = await RunOnceAsync($"{name} {round}/{rounds}", connections, window, loop, recorder);
            elapsed += ran;
            windows.Add((recorder.Requests - before) / ran.TotalSeconds);
        }

        await HealthAsync(rounds + 1);
        return new ScenarioResult(name, connections, elapsed, recorder)
        {
            Beside = new ScenarioResult("health", connections, healthElapsed, health),
            RoundRatios = [.. windows.Select((rate, i) => rate / ((healthWindows[i] + healthWindows[i + 1]) / 2))],
        };
    }

    private static async Task WarmUpAsync(
        string name, int connections, Func<int, Recorder, CancellationToken, Task> loop, TimeSpan warmup, Func<ScenarioResult, Task>? afterWarmup)
    {
        if (warmup > TimeSpan.Zero)
        {
            var recorder = new Recorder();
            var warm = new ScenarioResult(name, connections, await RunOnceAsync($"{name} (warm-up)", connections, warmup, loop, recorder), recorder);
            if (afterWarmup is not null)
            {
                await afterWarmup(warm);
            }
        }
    }

    private static async Task<TimeSpan> RunOnceAsync(
        string name, int connections, TimeSpan duration, Func<int, Recorder, CancellationToken, Task> loop, Recorder recorder)
    {
        using var stop = new CancellationTokenSource(duration);
        var (clock, before) = (Stopwatch.StartNew(), recorder.Requests);
        var workers = Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
        {
            try
            {
                await loop(i, recorder, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })).ToList();

        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(1000)) != all)
        {
            var requests = recorder.Requests - before;
            Console.Write($"\r  {name,-10} {clock.Elapsed.TotalSeconds,5:F1}s  {requests,8} requests  {requests / clock.Elapsed.TotalSeconds,8:F0}/s  409: {recorder.Conflicts,6}  5xx: {recorder.ServerErrors}   ");
        }

        await all;
        clock.Stop();
        Console.WriteLine($"\r  {name,-10} done in {clock.Elapsed.TotalSeconds:F1}s{new string(' ', 60)}");
        return clock.Elapsed;
    }
}
