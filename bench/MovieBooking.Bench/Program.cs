using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MovieBooking.Bench;
using Npgsql;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

if (options.Compare is { } compared)
{
    return await Comparison.RunAsync(compared, options);
}

if (options.Scenarios.Contains("chaos"))
{
    var cluster = new MovieBooking.Chaos.ClusterControl(
        Path.Combine(ServiceUnderTest.FindRepositoryRoot(), "scripts", "cluster.sh"), Path.GetFullPath(options.ClusterDir), options.ClusterPort);
    var report = await MovieBooking.Chaos.ChaosRun.RunAsync(cluster, new MovieBooking.Chaos.ChaosOptions
    {
        Buyers = options.Connections,
        Calm = options.Duration,
        Faults = MovieBooking.Chaos.ChaosFault.Standard(options.Outage),
        HoldTtl = options.HoldTtl,
        SettleWithin = options.SettleWithin,
        // Enough seats that a long run does not sell out; few enough that buyers still collide.
        SeatsPerShow = 64,
    }, Console.Out);
    Console.WriteLine(report.ToTable());
    return report.InternalErrors == 0 && report.Violations.Count == 0 && report.SettledAfter is not null ? 0 : 1;
}

await using var service = options.Url is null ? await ServiceUnderTest.StartAsync(options.Store, options.ServiceSettings) : null;
var url = options.Url ?? service!.Url;
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = Math.Max(options.Connections, options.ContendedConnections),
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
};
using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
var api = new BenchApi(http);

Console.WriteLine($"Target {url} ({(options.Url is null ? $"started, store {options.Store}" : "given")}); preparing users and shows…");
await api.PrepareAsync();
var tokens = await api.CreateUsersAsync(Math.Max(options.Connections, options.Scenarios.Contains("contended") ? options.ContendedConnections : 0));
var results = new List<ScenarioResult>();
WatchersResult? watched = null;
MailResult? mailed = null;
var failures = new List<string>();
// Bookings made (booking scenarios) and purchases confirmed (payment scenarios), by scenario.
var completed = new Dictionary<string, int>();
var seatIds = BenchApi.SeatIds;

foreach (var scenario in options.Scenarios)
{
    switch (scenario)
    {
        case "health":
            results.Add(await Load.RunAsync("health", options.Connections, options.Duration, (_, recorder, stop) => api.HealthAsync(recorder, stop), options.Warmup));
            break;

        case "seatmap":
            {
                var show = await api.CreateShowAsync();
                results.Add(await TimedAsync("seatmap", rounds: null, async (_, recorder, stop) =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        using var response = await recorder.SendAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/api/shows/{show}/seats"));
                    }
                }));
                break;
            }

        case "hold":
            {
                // Each connection holds and releases seats of its own, so every hold is granted.
                var show = await api.CreateShowAsync();
                results.Add(await TimedAsync("hold", rounds: null,
                    (worker, recorder, stop) => api.HoldAndReleaseAsync(recorder, tokens[worker], show, BenchApi.SeatsOf(worker, options.Connections), stop)));
                var map = await SeatMapAsync(show);
                Check(map.Values.All(s => s == "AVAILABLE"), "hold: every released seat is available again");
                break;
            }

        case "best":
            {
                // Best-available holds of two under the strict gap rule, each released at once; sixteen connections
                // share a show (a show's picks take turns in an instance), so 64 connections work on four shows.
                var shows = new string[Math.Max(1, options.Connections / 16)];
                for (var i = 0; i < shows.Length; i++)
                {
                    shows[i] = await api.CreateShowAsync(strict: true);
                }

                var granted = 0L;
                var wrongSize = 0L;
                results.Add(await TimedAsync("best", rounds: null,
                    (worker, recorder, stop) => api.BestAndReleaseAsync(recorder, tokens[worker], shows[worker % shows.Length], 2, seats =>
                    {
                        Interlocked.Increment(ref granted);
                        if (seats.Length != 2)
                        {
                            Interlocked.Increment(ref wrongSize);
                        }
                    }, stop)));
                Check(granted > 0 && wrongSize == 0, $"best: {granted} holds granted, each of two seats ({wrongSize} not)");
                foreach (var show in shows)
                {
                    var map = await SeatMapAsync(show);
                    Check(map.Values.All(s => s == "AVAILABLE"), "best: every released seat is available again");
                }

                break;
            }

        case "contended":
            {
                // Every connection races for random seats of one show until it is sold out (fully held), then of the
                // next: ten shows, so the figures rest on thousands of requests rather than a few hundred.
                var shows = new string[10];
                for (var i = 0; i < shows.Length; i++)
                {
                    shows[i] = await api.CreateShowAsync();
                }

                var granted = shows.Select(_ => new ConcurrentBag<string>()).ToArray();
                var connections = options.ContendedConnections;
                results.Add(await Load.RunAsync("contended", connections, options.Duration * 3, async (worker, recorder, stop) =>
                {
                    var random = new Random(worker);
                    for (var k = 0; k < shows.Length; k++)
                    {
                        while (!stop.IsCancellationRequested && granted[k].Count < seatIds.Length)
                        {
                            var seat = seatIds[random.Next(seatIds.Length)];
                            if (await api.HoldAsync(recorder, tokens[worker], shows[k], [seat]) is not null)
                            {
                                granted[k].Add(seat);
                            }
                        }
                    }
                }));
                for (var k = 0; k < shows.Length; k++)
                {
                    var map = await SeatMapAsync(shows[k]);
                    Check(granted[k].Count == granted[k].Distinct().Count(), $"contended: show {k + 1}: no seat granted twice ({granted[k].Count} grants)");
                    Check(map.Count(kv => kv.Value == "HELD") == granted[k].Count, $"contended: show {k + 1}: the seat map holds exactly the granted seats");
                    Check(granted[k].Count == seatIds.Length, $"contended: show {k + 1}: sold out ({granted[k].Count}/{seatIds.Length})");
                    if (options.Store != "redis" && service is not null)
                    {
                        var held = await CountAsync("SELECT count(*) FROM show_seats WHERE show_id = @show AND status = 'HELD'", shows[k]);
                        Check(held == granted[k].Count, $"contended: show {k + 1}: the database holds {held} seats, granted {granted[k].Count}");
                    }
                }

                break;
            }

        case "booking":
        case "booking-extras":
            await BookingAsync(scenario, scenario.EndsWith("-extras", StringComparison.Ordinal));
            break;

        case "payment":
        case "payment-extras":
            await PaymentAsync(scenario, scenario.EndsWith("-extras", StringComparison.Ordinal));
            break;

        case "notifications":
            if (service is null)
            {
                Console.WriteLine("  skip notifications: it reads the mail of the service the bench starts, not of one given with --url");
                break;
            }

            mailed = await NotificationsAsync(await PaymentAsync(scenario, extras: false));
            break;

        case "watchers":
            {
                var show = await api.CreateShowAsync();
                var watchers = new Watchers(new Uri(url), http, tokens, () => service?.WorkingSet());
                watched = await watchers.RunAsync(show, seatIds, options.Watchers, options.WatchRate, options.Duration * 2);
                Check(watched.Failed == 0, $"watchers: all {watched.Watchers} streams stayed open ({watched.Failed} failed)");
                Check(watched.Lost == 0, $"watchers: every watcher ends with the seat map ({watched.Lost} differ)");
                Check(watched.Deliveries == (long)watched.Changes * watched.Watchers,
                    $"watchers: {watched.Deliveries} of {(long)watched.Changes * watched.Watchers} changes × watchers delivered");
                break;
            }
    }
}

Report(await Machine.CommitAsync());
return failures.Count == 0 ? 0 : 1;

// Hold → book (→ apply the offer code and order food), each connection on seats of its own, show after show, in
// steady state: a warm-up, then enough fresh shows that the seats last the recorded window.
async Task BookingAsync(string name, bool extras)
{
    var extra = extras ? await api.CreateExtrasAsync() : default;
    using var shows = new ShowPool(api);
    var booked = new ConcurrentBag<string>();
    results.Add(await RunPurchasesAsync(name, shows, async (worker, recorder, show, seat) =>
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        if (await api.HoldAsync(recorder.Step("hold"), tokens[worker], show, [seat]) is not { } holdId)
        {
            return;
        }

        var booking = await PostAsync(recorder.Step("book"), tokens[worker], "/api/bookings", new { holdId });
        if (booking is not null && (!extras || await AddExtrasAsync(recorder.Step("extras"), tokens[worker], booking.Value, extra)))
        {
            booked.Add(show);
            recorder.Record(start);
        }
    }));
    completed[name] = booked.Count;
    if (service is not null)
    {
        foreach (var (number, show) in shows.All.Index())
        {
            var answered = booked.Count(s => s == show);
            var stored = await CountAsync("SELECT count(*) FROM bookings WHERE show_id = @show", show);
            Check(stored == answered, $"{name}: show {number + 1}: {answered} bookings answered 201{(extras ? " with their code and food" : "")}, the database has {stored}");
            if (extras)
            {
                await CheckExtrasAsync(name, show, answered, "PENDING_PAYMENT");
            }
        }
    }
}

// Hold → book (→ code and food) → start a payment → pay at the sandbox checkout → verify, each connection on seats of
// its own, in steady state as above; every step timed apart, and the whole purchase.
async Task<IReadOnlyList<string>> PaymentAsync(string name, bool extras)
{
    var extra = extras ? await api.CreateExtrasAsync() : default;
    using var shows = new ShowPool(api);
    var confirmed = new ConcurrentBag<(string Show, string Seat)>();
    results.Add(await RunPurchasesAsync(name, shows, async (worker, recorder, show, seat) =>
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        if (await api.HoldAsync(recorder.Step("hold"), tokens[worker], show, [seat]) is not { } holdId)
        {
            return;
        }

        var booking = await PostAsync(recorder.Step("book"), tokens[worker], "/api/bookings", new { holdId });
        if (booking is null || (extras && !await AddExtrasAsync(recorder.Step("extras"), tokens[worker], booking.Value, extra)))
        {
            return;
        }

        var payment = await PostAsync(recorder.Step("start payment"), tokens[worker], $"/api/bookings/{booking.Value.GetProperty("id").GetString()}/payments", null);
        var orderId = payment?.GetProperty("orderId").GetString();
        var paid = orderId is null ? null : await PostAsync(recorder.Step("checkout"), null, $"/api/sandbox/orders/{orderId}/pay", new { outcome = "success" }, HttpStatusCode.OK);
        if (paid is null)
        {
            return;
        }

        var verified = await PostAsync(recorder.Step("verify"), tokens[worker], "/api/payments/verify", new
        {
            orderId,
            paymentId = paid.Value.GetProperty("paymentId").GetString(),
            signature = paid.Value.GetProperty("signature").GetString(),
        }, HttpStatusCode.OK);
        if (verified?.GetProperty("status").GetString() == "CONFIRMED")
        {
            confirmed.Add((show, seat));
            recorder.Record(start);
        }
    }));
    completed[name] = confirmed.Count;
    foreach (var (number, show) in shows.All.Index())
    {
        var paid = confirmed.Where(c => c.Show == show).Select(c => c.Seat).ToList();
        var map = await SeatMapAsync(show);
        Check(paid.All(seat => map[seat] == "BOOKED") && map.Count(kv => kv.Value == "BOOKED") == paid.Count,
            $"{name}: show {number + 1}: the seat map books exactly its {paid.Count} paid seats");
        if (service is not null)
        {
            var tickets = await CountAsync("SELECT count(*) FROM tickets t JOIN bookings b ON b.id = t.booking_id WHERE b.show_id = @show", show);
            var sold = await CountAsync("SELECT count(*) FROM bookings WHERE show_id = @show AND status = 'CONFIRMED'", show);
            Check(tickets == paid.Count && sold == paid.Count, $"{name}: show {number + 1}: {paid.Count} purchases answered confirmed, {sold} bookings confirmed, {tickets} tickets");
            if (extras)
            {
                await CheckExtrasAsync(name, show, paid.Count, "CONFIRMED");
            }
        }
    }

    return shows.All;
}

// Runs one purchase after another on every connection: its own seats of one show, then of the next. The warm-up
// uses the first shows; the recorded window gets fresh ones, twice as many seats as the warm-up's pace would take.
async Task<ScenarioResult> RunPurchasesAsync(string name, ShowPool shows, Func<int, Recorder, string, string, Task> purchase)
{
    // The warm-up buys through rounds of 8 fresh shows for as long as it lasts; the recorded window then buys from shows
    // made beforehand, twice as many seats as the pace of the warm-up's second half would take (the first half runs
    // slower while the service's code is being compiled), and runs out only if the pace doubles. A purchase takes long
    // enough (up to a second under this load) that the ends of short windows would cost a good part of their rate: one
    // window, health around it, each once the confirmations' emails are sent (the service sends them in the
    // background, and health measured while it does would be measured on a busy service).
    const int WarmupShows = 8;
    var recording = options.Warmup <= TimeSpan.Zero;
    Recorder? warming = null;
    var halfway = Task.Delay(options.Warmup / 2).ContinueWith(_ => (At: Stopwatch.GetTimestamp(), Seats: warming?.Step("hold").Requests ?? 0), TaskScheduler.Default);
    await shows.ReplaceAsync(WarmupShows);
    var result = await TimedAsync(name, rounds: 1, async (worker, recorder, stop) =>
    {
        warming ??= recording ? null : recorder;
        for (var current = shows.Current; ; current = await shows.NextAsync(current, WarmupShows))
        {
            foreach (var show in current)
            {
                foreach (var seat in BenchApi.SeatsOf(worker, options.Connections))
                {
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }

                    await purchase(worker, recorder, show, seat);
                }
            }

            if (recording)
            {
                Interlocked.Increment(ref recorder.RanOut);
                return;
            }
        }
    }, async warm =>
    {
        var (at, seats) = await halfway;
        var seatsPerSecond = (warm.Recorder.Step("hold").Requests - seats) / Stopwatch.GetElapsedTime(at).TotalSeconds;
        await shows.ReplaceAsync((int)Math.Ceiling(seatsPerSecond * options.Duration.TotalSeconds * 2 / seatIds.Length) + 1);
        recording = true;
    }, OutboxSentAsync);
    Check(result.Recorder.RanOut == 0, $"{name}: the seats lasted the recorded window ({result.Recorder.RanOut} connections ran out)");
    return result;
}

// A timed scenario: a warm-up, then --duration in --rounds windows, with a window of health as long before each and
// after the last.
Task<ScenarioResult> TimedAsync(
    string name, int? rounds, Func<int, Recorder, CancellationToken, Task> loop, Func<ScenarioResult, Task>? afterWarmup = null, Func<Task>? settle = null) =>
    Load.RunBesideAsync(name, options.Connections, options.Duration, rounds ?? options.RoundCount, loop,
        (_, recorder, stop) => api.HealthAsync(recorder, stop), options.Warmup, afterWarmup, settle);

// Waits until the started service has sent the emails the purchases so far asked for: until none has reached the bench's
// SMTP server for half a second (a minute at most). A service given with --url is not waited for.
async Task OutboxSentAsync()
{
    if (service is null)
    {
        return;
    }

    var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
    for (var (seen, quiet) = (-1, 0); quiet < 5 && Stopwatch.GetTimestamp() < deadline; await Task.Delay(100))
    {
        var count = service.Smtp.Received.Count;
        (seen, quiet) = (count, count == seen ? quiet + 1 : 0);
    }
}

// Each confirmation of the show's bookings, from its commit (the outbox row's created_at, written in the sale's
// transaction) to its arrival at the bench's SMTP server; every one arrives, and once.
async Task<MailResult> NotificationsAsync(IReadOnlyList<string> shows)
{
    var written = new Dictionary<string, DateTimeOffset>();
    const string Sql = """
        SELECT n.id, n.created_at FROM notifications n JOIN bookings b ON b.id = n.booking_id
        WHERE b.show_id = @show AND n.kind = 'BOOKING_CONFIRMED' AND n.channel = 'EMAIL'
        """;
    // SQLite keeps instants as Unix milliseconds and ids as text; PostgreSQL as timestamptz and uuid.
    foreach (var (id, at) in (await Task.WhenAll(shows.Select(show => QueryAsync(Sql, show, row => (
        Guid.Parse(row.GetValue(0).ToString()!).ToString("N"),
        row.GetValue(1) is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : row.GetFieldValue<DateTimeOffset>(1)))))).SelectMany(rows => rows))
    {
        written[id] = at;
    }

    Check(written.Count == completed["notifications"], $"notifications: {completed["notifications"]} purchases confirmed, {written.Count} confirmation emails written");
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    Dictionary<string, List<DateTimeOffset>> arrived;
    while (true)
    {
        arrived = service!.Smtp.Received.GroupBy(m => m.MessageId.Split('@')[0]).ToDictionary(g => g.Key, g => g.Select(m => m.At).ToList());
        if (written.Keys.All(arrived.ContainsKey) || DateTime.UtcNow > deadline)
        {
            break;
        }

        await Task.Delay(100);
    }

    var missing = written.Keys.Count(id => !arrived.ContainsKey(id));
    var twice = written.Keys.Count(id => arrived.TryGetValue(id, out var at) && at.Count > 1);
    Check(missing == 0, $"notifications: every confirmation reached the SMTP server within a minute ({missing} missing)");
    Check(twice == 0, $"notifications: none arrived twice ({twice} did)");
    var latencies = written.Where(w => arrived.ContainsKey(w.Key)).Select(w => (arrived[w.Key][0] - w.Value).TotalMilliseconds).Order().ToList();
    return new MailResult(latencies.Count, Percentile(latencies, 50), Percentile(latencies, 99), latencies.Count == 0 ? 0 : latencies[^1]);

    static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

// The offer code, then two of the menu item; true when both were taken.
async Task<bool> AddExtrasAsync(Recorder recorder, string token, JsonElement booking, (string Code, string ItemId) extra)
{
    var id = booking.GetProperty("id").GetString();
    if (await PostAsync(recorder, token, $"/api/bookings/{id}/offer", new { code = extra.Code }, HttpStatusCode.OK) is null)
    {
        return false;
    }

    using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/bookings/{id}/food")
    {
        Content = BenchApi.Content(BenchApi.Body(new { items = new[] { new { itemId = extra.ItemId, quantity = 2 } } })),
    };
    BenchApi.Authorize(request, token);
    using var response = await recorder.SendAsync(http, request);
    return response?.StatusCode == HttpStatusCode.OK;
}

// Every booking that took its code and food (every confirmed one, after a payment) carries the discount and the food.
async Task CheckExtrasAsync(string name, string show, int expected, string status)
{
    var discounted = await CountAsync($"SELECT count(*) FROM bookings WHERE show_id = @show AND status = '{status}' AND discount > 0 AND food > 0", show);
    Check(discounted == expected, $"{name}: {expected} {status.ToLowerInvariant()} bookings took the code and food, {discounted} carry a discount and food");
}

async Task<Dictionary<string, string>> SeatMapAsync(string show)
{
    var map = await api.GetJsonAsync($"/api/shows/{show}/seats", null);
    return map.GetProperty("rows").EnumerateArray()
        .SelectMany(r => r.GetProperty("seats").EnumerateArray())
        .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
}

async Task<JsonElement?> PostAsync(Recorder recorder, string? token, string url, object? body, HttpStatusCode expected = HttpStatusCode.Created)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : BenchApi.Content(BenchApi.Body(body)) };
    if (token is not null)
    {
        BenchApi.Authorize(request, token);
    }

    using var response = await recorder.SendAsync(http, request);
    return response?.StatusCode == expected ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
}

async Task<long> CountAsync(string sql, string show) => (await QueryAsync(sql, show, row => row.GetInt64(0)))[0];

// Reads the rows of a query about one show (@show) from the started service's database, whichever it is.
async Task<List<T>> QueryAsync<T>(string sql, string show, Func<System.Data.Common.DbDataReader, T> read)
{
    await using System.Data.Common.DbConnection connection = service!.SqliteFile is { } file
        ? new SqliteConnection($"Data Source={file};Mode=ReadOnly")
        : new NpgsqlConnection(service.PostgresConnection);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = sql;
    var parameter = command.CreateParameter();
    parameter.ParameterName = "@show";
    parameter.Value = connection is SqliteConnection ? Guid.Parse(show).ToString().ToUpperInvariant() : Guid.Parse(show);
    command.Parameters.Add(parameter);
    await using var rows = await command.ExecuteReaderAsync();
    var found = new List<T>();
    while (await rows.ReadAsync())
    {
        found.Add(read(rows));
    }

    return found;
}

void Check(bool ok, string what)
{
    Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

void Report(string commit)
{
    var health = results.FirstOrDefault(r => r.Name == "health")?.RequestsPerSecond;
    Console.WriteLine();
    Console.WriteLine($"store {options.Store}, commit {commit}, {Machine.Describe()}, load generator on the same machine");
    Console.WriteLine($"'vs health': to windows of health run before and after the scenario's (seatmap, hold, best: {options.RoundCount} windows, each between two of health; purchases: one); 'per round': the lowest and highest window.");
    Console.WriteLine("| scenario | conns | requests/s | vs health | per round | p50 ms | p90 ms | p99 ms | max ms | 2xx | 409 | other 4xx | 5xx | failed |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var r in results)
    {
        var c = r.Recorder;
        // Against the health windows beside it, when it ran in rounds; else against the health scenario of this run.
        var reference = r.Beside?.RequestsPerSecond ?? health;
        var rounds = r.RoundRatios.Count < 2 ? "–" : $"{Ratio(r.RoundRatios.Min(), 1)}–{Ratio(r.RoundRatios.Max(), 1)}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Connections} | {r.RequestsPerSecond:F0} | {Ratio(r.RequestsPerSecond, reference)} | {rounds} | {c.PercentileMs(50):F2} | {c.PercentileMs(90):F2} | {c.PercentileMs(99):F2} | {c.MaxMs():F2} | {c.Success} | {c.Conflicts} | {c.ClientErrors} | {c.ServerErrors} | {c.Failures} |"));
        if (c.ServerErrors > 0 || c.Failures > 0)
        {
            failures.Add($"{r.Name}: {c.ServerErrors} server errors, {c.Failures} failed requests");
        }

        if (r.Beside is { } beside && (beside.Recorder.ServerErrors > 0 || beside.Recorder.Failures > 0))
        {
            failures.Add($"{r.Name}: health beside it: {beside.Recorder.ServerErrors} server errors, {beside.Recorder.Failures} failed requests");
        }

        // A purchase's row counts whole purchases; each of its steps follows, timed apart.
        foreach (var (step, s) in c.Steps)
        {
            var perSecond = s.Requests / r.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} · {step} | {r.Connections} | {perSecond:F0} | {Ratio(perSecond, reference)} | – | {s.PercentileMs(50):F2} | {s.PercentileMs(90):F2} | {s.PercentileMs(99):F2} | {s.MaxMs():F2} | {s.Success} | {s.Conflicts} | {s.ClientErrors} | {s.ServerErrors} | {s.Failures} |"));
            if (s.ServerErrors > 0 || s.Failures > 0)
            {
                failures.Add($"{r.Name} · {step}: {s.ServerErrors} server errors, {s.Failures} failed requests");
            }
        }
    }

    static string Ratio(double perSecond, double? reference) =>
        reference is > 0 ? (perSecond / reference.Value).ToString(perSecond / reference.Value < 0.1 ? "P1" : "P0", CultureInfo.InvariantCulture) : "–";

    if (watched is { } w)
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | watchers | changes/s | deliveries | p50 ms | p99 ms | max ms | lost | service memory per watcher | service working set, all connected |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| watchers | {w.Watchers} | {w.ChangesPerSecond:F0} | {w.Deliveries} | {w.P50Ms:F2} | {w.P99Ms:F2} | {w.MaxMs:F2} | {w.Lost} | {(w.BytesPerWatcher is { } b ? $"{b / 1024:F1} KB" : "–")} | {(w.WorkingSet is { } ws ? $"{ws / (1024 * 1024)} MB" : "–")} |"));
    }

    if (mailed is { } m)
    {
        Console.WriteLine();
        Console.WriteLine("| measure | emails | p50 ms | p99 ms | max ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| confirmation committed → email at the SMTP server | {m.Emails} | {m.P50Ms:F1} | {m.P99Ms:F1} | {m.MaxMs:F1} |"));
    }

    if (service?.PeakWorkingSet() is { } peak)
    {
        Console.WriteLine($"service peak working set: {peak / (1024 * 1024)} MB");
    }

    Console.WriteLine(failures.Count == 0 ? "Invariants: all hold (no seat held twice, counts agree, no 5xx)." : $"Invariants FAILED: {string.Join("; ", failures)}");
}

/// <summary>How long confirmations took from their commit to the mail server.</summary>
internal sealed record MailResult(int Emails, double P50Ms, double P99Ms, double MaxMs);
