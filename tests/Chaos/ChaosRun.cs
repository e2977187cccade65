using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MovieBooking.Chaos;

/// <summary>An outage: how to cause it, how long it lasts, how it ends.</summary>
public sealed record ChaosFault(string Name, Func<ClusterControl, Task> Inject, TimeSpan Outage, Func<ClusterControl, Task> Heal)
{
    /// <summary>Redis killed (its data gone with it), started again empty; PostgreSQL restarted; an instance killed and started again.</summary>
    public static IReadOnlyList<ChaosFault> Standard(TimeSpan outage) =>
    [
        new("Redis killed and flushed", c => c.FaultAsync("kill-redis"), outage, c => c.FaultAsync("start-redis")),
        new("PostgreSQL restarted", c => c.FaultAsync("restart-postgres"), TimeSpan.Zero, _ => Task.CompletedTask),
        new("instance 2 killed mid-purchase", c => c.FaultAsync("kill-instance", "2"), outage, c => c.FaultAsync("start-instance", "2")),
    ];
}

public sealed record ChaosOptions
{
    public int Buyers { get; init; } = 32;

    /// <summary>Load before the first fault and after each fault's recovery.</summary>
    public TimeSpan Calm { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<ChaosFault> Faults { get; init; } = ChaosFault.Standard(TimeSpan.FromSeconds(4));

    /// <summary>How long every payment may take to reach a final state once the load stops.</summary>
    public TimeSpan SettleWithin { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The service's hold lifetime: late payers wait past it before paying.</summary>
    public TimeSpan HoldTtl { get; init; } = TimeSpan.FromMinutes(5);

    public double DeclineRate { get; init; } = 0.2;
    public double CancelRate { get; init; } = 0.25;
    public double LateRate { get; init; } = 0.1;

    /// <summary>Seats of each show the buyers compete for: few, so holds collide and seats are resold.</summary>
    public int SeatsPerShow { get; init; } = 16;
}

/// <summary>Requests and answers in one phase of a run (calm, or one fault from its start until the next).</summary>
/// <summary>
/// Requests and answers in one phase of a run (calm, or one fault from its start until the next), and the violations of
/// the invariants that hold at every instant, checked as the phase ends (all of them in the last row, once settled).
/// <see cref="Recovery"/> is the time from the end of the outage until the last failed answer (5xx or cut connection)
/// a buyer saw, zero when none came after it; null when the cluster did not answer ready again within a minute.
/// </summary>
public sealed record ChaosPhase(string Name, long Requests, long ServerErrors, long InternalErrors, long ConnectionErrors, TimeSpan? Recovery, int Violations);

public sealed record ChaosReport(IReadOnlyList<ChaosPhase> Phases, int Purchases, int Confirmed, TimeSpan? SettledAfter, IReadOnlyList<string> Violations)
{
    public long InternalErrors => Phases.Sum(p => p.InternalErrors);

    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| phase | requests | 5xx | 500 | connection errors | invariant violations | time to recover |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var phase in Phases)
        {
            var recovery = phase.Recovery is { } r ? $"{r.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
                : phase.Name == "calm" || phase.Name.StartsWith("after", StringComparison.Ordinal) ? "–" : "not ready again";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {phase.Requests} | {phase.ServerErrors} | {phase.InternalErrors} | {phase.ConnectionErrors} | {phase.Violations} | {recovery} |");
        }

        text.AppendLine();
        var settled = SettledAfter is { } s ? $"{s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s after the load stopped" : "not within the bound";
        text.AppendLine(CultureInfo.InvariantCulture, $"Purchases started: {Purchases}; bookings confirmed: {Confirmed}; every payment final: {settled}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Invariant violations: {Violations.Count}");
        foreach (var violation in Violations.Take(20))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {violation}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Buyers hold, book, pay (some declined, some late), verify and cancel through the cluster's load balancer while the
/// faults are injected one after another; then the load stops, the service is given the bound to settle every payment,
/// and the invariants are checked in the database. Every step is retried on a 5xx or a cut connection, as a client would.
/// </summary>
public sealed class ChaosRun
{
    private readonly ClusterControl _cluster;
    private readonly ChaosOptions _options;
    private readonly ConcurrentDictionary<string, Counters> _phases = new();
    private readonly List<(string Name, TimeSpan? Recovery, int Violations)> _order = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile string _phase = "calm";
    private int _purchases;

    private ChaosRun(ClusterControl cluster, ChaosOptions options)
    {
        _cluster = cluster;
        _options = options;
    }

    public static Task<ChaosReport> RunAsync(ClusterControl cluster, ChaosOptions options, TextWriter? log = null) =>
        new ChaosRun(cluster, options).RunAsync(log ?? TextWriter.Null);

    private async Task<ChaosReport> RunAsync(TextWriter log)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(10) };
        using var http = new HttpClient(handler) { BaseAddress = _cluster.Url, Timeout = TimeSpan.FromSeconds(15) };
        var shows = await ShowsAsync(http);
        var tokens = await Task.WhenAll(Enumerable.Range(0, _options.Buyers).Select(i => SignUpAsync(http, i)));
        log.WriteLine($"{tokens.Length} buyers on {shows.Count} shows; faults: {string.Join(", ", _options.Faults.Select(f => f.Name))}");

        using var stop = new CancellationTokenSource();
        var buyers = tokens.Select((token, i) => Task.Run(() => BuyAsync(http, token, shows, new Random(i), stop.Token))).ToList();
        await Task.Delay(_options.Calm);
        _order.Add(("calm", null, (await MoneyInvariants.CheckStandingAsync(_cluster.DatabaseConnectionString)).Count));
        foreach (var fault in _options.Faults)
        {
            _phase = fault.Name;
            log.WriteLine($"{fault.Name}…");
            await fault.Inject(_cluster);
            await Task.Delay(fault.Outage);
            var healed = _clock.Elapsed;
            await fault.Heal(_cluster);
            var recovered = await RecoveredAsync(http);
            await Task.Delay(_options.Calm);
            var lastFailure = _phases.GetOrAdd(fault.Name, _ => new Counters(_clock)).LastFailure;
            var recovery = lastFailure > healed ? lastFailure - healed : TimeSpan.Zero;
            _order.Add((fault.Name, recovered ? recovery : null, (await MoneyInvariants.CheckStandingAsync(_cluster.DatabaseConnectionString)).Count));
        }

        _phase = "after the load, settled";
        await stop.CancelAsync();
        await Task.WhenAll(buyers);

        log.WriteLine("Load stopped; waiting for every payment to reach a final state…");
        var settling = Stopwatch.StartNew();
        TimeSpan? settledAfter = null;
        while (settling.Elapsed < _options.SettleWithin)
        {
            if ((await MoneyInvariants.UnsettledAsync(_cluster.DatabaseConnectionString)).Count == 0)
            {
                settledAfter = settling.Elapsed;
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var violations = await MoneyInvariants.CheckAsync(_cluster.DatabaseConnectionString);
        _order.Add((_phase, null, violations.Count));
        var confirmed = await CountConfirmedAsync();
        var phases = _order.Select(p => _phases.GetOrAdd(p.Name, _ => new Counters(_clock)).Result(p.Name, p.Recovery, p.Violations)).ToList();
        return new ChaosReport(phases, _purchases, confirmed, settledAfter, violations);
    }

    private async Task BuyAsync(HttpClient http, string token, IReadOnlyList<(string Show, string[] Seats)> shows, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await PurchaseAsync(http, token, shows[random.Next(shows.Count)], random, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One purchase, as far as it gets: a step that keeps failing ends it, as a buyer would give up.</summary>
    private async Task PurchaseAsync(HttpClient http, string token, (string Show, string[] Seats) show, Random random, CancellationToken stop)
    {
        var seats = show.Seats.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray();
        var hold = await SendAsync(http, token, HttpMethod.Post, $"/api/shows/{show.Show}/holds", new { seatIds = seats }, null, stop);
        if (hold?.Status != HttpStatusCode.Created)
        {
            // Someone else has them; a person looks at the seat map again before trying other seats.
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 400)), stop);
            return;
        }

        Interlocked.Increment(ref _purchases);
        var booking = await SendAsync(http, token, HttpMethod.Post, "/api/bookings", new { holdId = hold.Body.GetProperty("holdId").GetString() }, Guid.NewGuid().ToString(), stop);
        if (booking?.Status != HttpStatusCode.Created)
        {
            return;
        }

        var bookingId = booking.Body.GetProperty("id").GetString();
        var payment = await SendAsync(http, token, HttpMethod.Post, $"/api/bookings/{bookingId}/payments", null, Guid.NewGuid().ToString(), stop);
        if (payment?.Status != HttpStatusCode.Created)
        {
            return;
        }

        if (random.NextDouble() < _options.LateRate)
        {
            // Pays after the hold lapsed: the seats may have been sold meanwhile, and the payment must then be refunded.
            await Task.Delay(_options.HoldTtl + TimeSpan.FromSeconds(2), stop);
        }

        var orderId = payment.Body.GetProperty("orderId").GetString();
        var outcome = random.NextDouble() < _options.DeclineRate ? "failure" : "success";
        var paid = await SendAsync(http, null, HttpMethod.Post, $"/api/sandbox/orders/{orderId}/pay", new { outcome }, null, stop);
        if (paid?.Status != HttpStatusCode.OK || paid.Body.GetProperty("status").GetString() != "captured")
        {
            return;
        }

        if (random.NextDouble() < 0.7)
        {
            await SendAsync(http, token, HttpMethod.Post, "/api/payments/verify", new
            {
                orderId,
                paymentId = paid.Body.GetProperty("paymentId").GetString(),
                signature = paid.Body.GetProperty("signature").GetString(),
            }, null, stop);
        }

        if (random.NextDouble() < _options.CancelRate)
        {
            await SendAsync(http, token, HttpMethod.Post, $"/api/bookings/{bookingId}/cancel", null, null, stop);
        }
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Body);

    /// <summary>Sends until an answer that is not a 5xx (at most 40 tries, 250 ms apart); null when every try failed.</summary>
    private async Task<Answer?> SendAsync(
        HttpClient http, string? token, HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken stop)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var counters = _phases.GetOrAdd(_phase, _ => new Counters(_clock));
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            try
            {
                using var response = await http.SendAsync(request, CancellationToken.None);
                counters.Record(response.StatusCode);
                if ((int)response.StatusCode < 500)
                {
                    var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
                    return new Answer(response.StatusCode, document.RootElement.Clone());
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                counters.RecordConnectionError();
            }

            if (stop.IsCancellationRequested && attempt > 0)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }

        return null;
    }

    /// <summary>Whether the cluster answers ready three times in a row within a minute.</summary>
    private static async Task<bool> RecoveredAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        var inARow = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
                inARow = ready.IsSuccessStatusCode ? inARow + 1 : 0;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                inARow = 0;
            }

            if (inARow == 3)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return false;
    }

    /// <summary>Two bookable demo shows, and the first free seats of each that the buyers compete for.</summary>
    private async Task<IReadOnlyList<(string Show, string[] Seats)>> ShowsAsync(HttpClient http)
    {
        var city = (await http.GetFromJsonAsync<JsonElement>("/api/cities")).GetProperty("items")[0].GetProperty("id").GetString();
        var movies = (await http.GetFromJsonAsync<JsonElement>($"/api/cities/{city}/movies")).GetProperty("items");
        var shows = new List<(string, string[])>();
        foreach (var movie in movies.EnumerateArray())
        {
            var theatres = await http.GetFromJsonAsync<JsonElement>($"/api/movies/{movie.GetProperty("id").GetString()}/shows?cityId={city}");
            foreach (var show in theatres.EnumerateArray().SelectMany(t => t.GetProperty("shows").EnumerateArray()))
            {
                var id = show.GetProperty("id").GetString()!;
                var map = await http.GetFromJsonAsync<JsonElement>($"/api/shows/{id}/seats");
                var free = map.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("seats").EnumerateArray())
                    .Where(s => s.GetProperty("status").GetString() == "AVAILABLE").Select(s => s.GetProperty("id").GetString()!)
                    .Take(_options.SeatsPerShow).ToArray();
                if (free.Length == _options.SeatsPerShow)
                {
                    shows.Add((id, free));
                }

                if (shows.Count == 2)
                {
                    return shows;
                }
            }
        }

        throw new InvalidOperationException("The cluster has no two bookable shows with enough free seats.");
    }

    private static async Task<string> SignUpAsync(HttpClient http, int i)
    {
        var email = $"chaos-buyer{i}-{Guid.NewGuid():N}@example.com";
        using (var registered = await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Chaos#2026", name = $"Buyer {i}" }))
        {
            registered.EnsureSuccessStatusCode();
        }

        using var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password = "Chaos#2026" });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<int> CountConfirmedAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_cluster.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM bookings WHERE status = 'CONFIRMED'", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed class Counters(Stopwatch clock)
    {
        private long _lastFailureTicks;
        private long _requests;
        private long _serverErrors;
        private long _internalErrors;
        private long _connectionErrors;

        public void Record(HttpStatusCode status)
        {
            Interlocked.Increment(ref _requests);
            if ((int)status >= 500)
            {
                Interlocked.Increment(ref _serverErrors);
                Interlocked.Exchange(ref _lastFailureTicks, clock.Elapsed.Ticks);
            }

            if (status == HttpStatusCode.InternalServerError)
            {
                Interlocked.Increment(ref _internalErrors);
            }
        }

        public void RecordConnectionError()
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Increment(ref _connectionErrors);
            Interlocked.Exchange(ref _lastFailureTicks, clock.Elapsed.Ticks);
        }

        public TimeSpan LastFailure => TimeSpan.FromTicks(Interlocked.Read(ref _lastFailureTicks));

        public ChaosPhase Result(string name, TimeSpan? recovery, int violations) =>
            new(name, _requests, _serverErrors, _internalErrors, _connectionErrors, recovery, violations);
    }
}
