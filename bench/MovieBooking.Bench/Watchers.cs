using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HdrHistogram;

namespace MovieBooking.Bench;

internal sealed record WatchersResult(
    int Watchers, int Changes, double ChangesPerSecond, long Deliveries, double P50Ms, double P99Ms, double MaxMs, int Lost, double? BytesPerWatcher, long? WorkingSet, int Failed);

/// <summary>
/// Many open seat map streams on one show while one driver holds and releases seats at a steady rate. Each event a
/// watcher receives is timed from the moment the hold's 201 (or the release's 204) reached the driver; at the end
/// every watcher's seat statuses must equal the seat map.
/// </summary>
internal sealed class Watchers(Uri url, HttpClient http, IReadOnlyList<string> tokens, Func<long?> serviceMemory)
{
    // A change's key → when its answer arrived (Stopwatch ticks), or Pending while the request is on its way.
    private const long Pending = -1;
    private readonly ConcurrentDictionary<(string Seat, string Status), long> _answered = new();
    private readonly LongHistogram _latency = new(TimeStamp.Minutes(1), 3);
    private readonly Lock _gate = new();
    private long _deliveries;

    public async Task<WatchersResult> RunAsync(string show, IReadOnlyList<string> seats, int count, double changesPerSecond, TimeSpan duration)
    {
        var before = serviceMemory();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var streams = new HttpClient(handler) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        var watchers = Enumerable.Range(0, count).Select(_ => new Watcher()).ToList();
        var failed = 0;
        var readers = new List<Task>();
        foreach (var batch in watchers.Chunk(100))
        {
            readers.AddRange(batch.Select(w => Task.Run(async () =>
            {
                try
                {
                    await WatchAsync(streams, show, w, stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException)
                {
                    Interlocked.Increment(ref failed);
                    w.Connected.TrySetResult();
                }
            })));
            await Task.WhenAll(batch.Select(w => w.Connected.Task));
            Console.Write($"\r  watchers   {watchers.Count(w => w.Connected.Task.IsCompleted),6} connected   ");
        }

        var connected = serviceMemory();
        Console.WriteLine($"\r  watchers   {count} connected; holding and releasing {changesPerSecond:F0} times a second for {duration.TotalSeconds:F0}s");

        var driving = Stopwatch.StartNew();
        var changes = await DriveAsync(show, seats, changesPerSecond, duration);
        var rate = changes / driving.Elapsed.TotalSeconds;

        // Every watcher must end where the seat map is; give the last events a moment to arrive.
        var map = await SeatMapAsync(show);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10) && watchers.Any(w => !w.Matches(map)))
        {
            await Task.Delay(100);
        }

        var lost = watchers.Count(w => !w.Matches(map));
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        lock (_gate)
        {
            return new WatchersResult(count, changes, rate, _deliveries,
                Ms(_latency.GetValueAtPercentile(50)), Ms(_latency.GetValueAtPercentile(99)), Ms(_latency.GetMaxValue()), lost,
                before is { } b && connected is { } c ? (double)(c - b) / count : null, connected, failed);
        }
    }

    /// <summary>Holds a seat, and releases the one held a few steps earlier, at a steady rate; returns the changes made.</summary>
    private async Task<int> DriveAsync(string show, IReadOnlyList<string> seats, double changesPerSecond, TimeSpan duration)
    {
        const int Live = 8;
        var held = new Queue<(string Seat, string HoldId, string Token)>();
        var changes = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / changesPerSecond));
        var clock = Stopwatch.StartNew();
        for (var step = 0; clock.Elapsed < duration && await timer.WaitForNextTickAsync(); step++)
        {
            if (held.Count >= Live)
            {
                var (seat, holdId, token) = held.Dequeue();
                changes += await ReleaseAsync(seat, holdId, token) ? 1 : 0;
            }
            else
            {
                var seat = seats[step % seats.Count];
                var token = tokens[step % tokens.Count];
                if (await HoldAsync(show, seat, token) is { } holdId)
                {
                    held.Enqueue((seat, holdId, token));
                    changes++;
                }
            }
        }

        while (held.TryDequeue(out var h))
        {
            changes += await ReleaseAsync(h.Seat, h.HoldId, h.Token) ? 1 : 0;
        }

        return changes;
    }

    private async Task<string?> HoldAsync(string show, string seat, string token)
    {
        _answered[(seat, "HELD")] = Pending;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/shows/{show}/holds") { Content = BenchApi.Content(BenchApi.Body(new { seatIds = new[] { seat } })) };
        BenchApi.Authorize(request, token);
        using var response = await http.SendAsync(request);
        _answered[(seat, "HELD")] = Stopwatch.GetTimestamp();
        return response.StatusCode == HttpStatusCode.Created
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holdId").GetString()
            : null;
    }

    private async Task<bool> ReleaseAsync(string seat, string holdId, string token)
    {
        _answered[(seat, "AVAILABLE")] = Pending;
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/holds/{holdId}");
        BenchApi.Authorize(request, token);
        using var response = await http.SendAsync(request);
        _answered[(seat, "AVAILABLE")] = Stopwatch.GetTimestamp();
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    private async Task WatchAsync(HttpClient streams, string show, Watcher watcher, CancellationToken cancellationToken)
    {
        using var response = await streams.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/shows/{show}/seats/stream"),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? type = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    Receive(watcher, type, data);
                }

                (type, data) = (null, null);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    private void Receive(Watcher watcher, string? type, string data)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var document = JsonDocument.Parse(data);
        if (type == "snapshot")
        {
            lock (watcher)
            {
                watcher.Seats.Clear();
                foreach (var seat in document.RootElement.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("seats").EnumerateArray()))
                {
                    watcher.Seats[seat.GetProperty("id").GetString()!] = seat.GetProperty("status").GetString()!;
                }
            }

            watcher.Connected.TrySetResult();
            return;
        }

        foreach (var seat in document.RootElement.GetProperty("seats").EnumerateArray())
        {
            var (id, status) = (seat.GetProperty("id").GetString()!, seat.GetProperty("status").GetString()!);
            lock (watcher)
            {
                watcher.Seats[id] = status;
            }

            if (_answered.TryGetValue((id, status), out var answered))
            {
                // An event that beat the answer to the driver counts as no delay.
                var latency = answered == Pending ? 0 : Math.Max(0, arrived - answered);
                lock (_gate)
                {
                    _latency.RecordValue(latency);
                    _deliveries++;
                }
            }
        }
    }

    private async Task<Dictionary<string, string>> SeatMapAsync(string show)
    {
        var map = await http.GetFromJsonAsync<JsonElement>($"/api/shows/{show}/seats");
        return map.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("seats").EnumerateArray())
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed class Watcher
    {
        public Dictionary<string, string> Seats { get; } = [];

        public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Matches(Dictionary<string, string> map)
        {
            lock (this)
            {
                return Seats.Count == map.Count && map.All(kv => Seats.TryGetValue(kv.Key, out var s) && s == kv.Value);
            }
        }
    }
}
