using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MovieBooking.Bench;

/// <summary>Prepares the run through the public API: users, a theatre of the demo owner, shows of 200 seats.</summary>
internal sealed class BenchApi(HttpClient http)
{
    public const int Rows = 10;
    public const int SeatsPerRow = 20;

    private string? _adminToken;
    private string? _ownerId;
    private string? _theatreId;

    // A theatre under the strict gap rule, for best-available holds; the other takes any seats (gap rule OFF), so
    // the scenarios that name seats hold whichever they like.
    private string? _strictTheatreId;
    private string? _movieId;

    public static string[] SeatIds { get; } =
        [.. Enumerable.Range(0, Rows).SelectMany(r => Enumerable.Range(1, SeatsPerRow).Select(n => $"{(char)('A' + r)}{n}"))];

    public async Task PrepareAsync()
    {
        _adminToken = await LoginAsync("admin@example.com", "Admin#2026");
        var ownerToken = await LoginAsync("owner@example.com", "Owner#2026");
        _ownerId = (await GetJsonAsync("/api/users/me", ownerToken)).GetProperty("id").GetString();
        var city = (await GetJsonAsync("/api/cities", null)).GetProperty("items")[0].GetProperty("id").GetString();
        _movieId = (await GetJsonAsync("/api/movies", null)).GetProperty("items")[0].GetProperty("id").GetString();
        _theatreId = (await PostJsonAsync("/api/theatres", _adminToken,
            new { cityId = city, name = $"Bench Theatre {Guid.NewGuid():N}"[..30], address = "1 Load Test Road", ownerId = _ownerId, gapRule = "OFF" })).GetProperty("id").GetString();
        _strictTheatreId = (await PostJsonAsync("/api/theatres", _adminToken,
            new { cityId = city, name = $"Bench Strict {Guid.NewGuid():N}"[..30], address = "1 Load Test Road", ownerId = _ownerId, gapRule = "STRICT" })).GetProperty("id").GetString();
    }

    /// <summary>
    /// What a customer adds to a booking in the <c>-extras</c> scenarios: a platform-wide offer code with limits (so
    /// its redemptions are counted) and a menu item of the bench theatre with a stock per show (so its sales are too).
    /// </summary>
    public async Task<(string Code, string ItemId)> CreateExtrasAsync()
    {
        var code = $"BENCH{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        await PostJsonAsync("/api/offers", _adminToken, new
        {
            code,
            discount = "PERCENT",
            percent = 10,
            cap = 10_000,
            validFrom = DateTimeOffset.UtcNow.AddDays(-1),
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            totalLimit = 10_000_000,
            perUserLimit = 1_000,
        });
        var item = await PostJsonAsync($"/api/theatres/{_theatreId}/menu", _adminToken, new
        {
            name = "Salted popcorn (regular)",
            kind = "ITEM",
            price = 25_000,
            veg = true,
            stockPerShow = 1_000,
        });
        return (code, item.GetProperty("id").GetString()!);
    }

    /// <summary>A new show of 200 seats (two categories, an aisle in each row) starting tomorrow.</summary>
    /// <summary>A show of 200 seats on a new screen; <paramref name="strict"/>: in the theatre under the strict gap rule.</summary>
    public async Task<string> CreateShowAsync(bool strict = false)
    {
        var rows = Enumerable.Range(0, Rows).Select(r => new
        {
            label = ((char)('A' + r)).ToString(),
            seats = Enumerable.Range(1, SeatsPerRow).Select(n => new
            {
                number = n,
                column = n <= SeatsPerRow / 2 ? n - 1 : n,
                category = r < 7 ? "CLASSIC" : "PRIME",
                blocked = false,
            }),
        });
        var screen = (await PostJsonAsync($"/api/theatres/{(strict ? _strictTheatreId : _theatreId)}/screens", _adminToken,
            new { name = $"Bench {Guid.NewGuid():N}"[..20], rows })).GetProperty("id").GetString();
        var show = await PostJsonAsync("/api/shows", _adminToken, new
        {
            movieId = _movieId,
            screenId = screen,
            startsAt = DateTimeOffset.UtcNow.AddDays(1),
            language = "Hindi",
            format = "2D",
            prices = new[] { new { category = "CLASSIC", amount = 18_000 }, new { category = "PRIME", amount = 28_000 } },
        });
        return show.GetProperty("id").GetString()!;
    }

    /// <summary>Registers and signs in <paramref name="count"/> users; returns their access tokens.</summary>
    public async Task<string[]> CreateUsersAsync(int count)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var email = $"bench-{run}-{i}@example.com";
            using var registered = await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Bench#2026", name = $"Bench {i}" }, cancellationToken);
            registered.EnsureSuccessStatusCode();
            tokens[i] = await LoginAsync(email, "Bench#2026");
        });
        return tokens;
    }

    /// <summary>The seats of the show that connection <paramref name="worker"/> of <paramref name="workers"/> has to itself.</summary>
    public static string[] SeatsOf(int worker, int workers) => [.. SeatIds.Where((_, i) => i % workers == worker)];

    /// <summary>Asks for the service's health, one request after another, until stopped.</summary>
    public async Task HealthAsync(Recorder recorder, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var response = await recorder.SendAsync(http, new HttpRequestMessage(HttpMethod.Get, "/api/health"));
        }
    }

    /// <summary>Holds the seats for the user; the hold id, or null when the hold was refused.</summary>
    public Task<string?> HoldAsync(Recorder recorder, string token, string show, string[] seats) =>
        HoldAsync(recorder, token, HoldsUrl(show), Body(new { seatIds = seats }));

    /// <summary>Holds the best <paramref name="count"/> free seats and releases them (the release untimed), until stopped; the seats each hold got.</summary>
    public async Task BestAndReleaseAsync(Recorder recorder, string token, string show, int count, Action<string[]> granted, CancellationToken stop)
    {
        var url = HoldsUrl(show);
        var body = Body(new { count });
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Content(body) };
            Authorize(request, token);
            using var response = await recorder.SendAsync(http, request);
            if (response?.StatusCode != HttpStatusCode.Created)
            {
                continue;
            }

            var hold = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(CancellationToken.None)).RootElement;
            granted([.. hold.GetProperty("seatIds").EnumerateArray().Select(s => s.GetString()!)]);
            using var release = new HttpRequestMessage(HttpMethod.Delete, $"/api/holds/{hold.GetProperty("holdId").GetString()}");
            Authorize(release, token);
            using var released = await recorder.SendAsync(http, release, timed: false);
        }
    }

    /// <summary>Holds one of <paramref name="seats"/> after another and releases each hold (the release untimed), until stopped.</summary>
    public async Task HoldAndReleaseAsync(Recorder recorder, string token, string show, string[] seats, CancellationToken stop)
    {
        // The requests differ only in their seat, so each body is written once.
        var url = HoldsUrl(show);
        var bodies = seats.Select(seat => Body(new { seatIds = new[] { seat } })).ToArray();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            if (await HoldAsync(recorder, token, url, bodies[n % bodies.Length]) is { } holdId)
            {
                using var release = new HttpRequestMessage(HttpMethod.Delete, $"/api/holds/{holdId}");
                Authorize(release, token);
                using var released = await recorder.SendAsync(http, release, timed: false);
            }
        }
    }

    /// <summary>A JSON body with its length, as browsers and apps send it (<see cref="JsonContent"/> would be chunked).</summary>
    public static byte[] Body(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    public static HttpContent Content(byte[] body) => new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    private static string HoldsUrl(string show) => $"/api/shows/{show}/holds";

    private async Task<string?> HoldAsync(Recorder recorder, string token, string url, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Content(body) };
        Authorize(request, token);
        using var response = await recorder.SendAsync(http, request);
        // The answer's Location is the hold's address, /api/holds/{holdId}.
        return response?.StatusCode == HttpStatusCode.Created && response.Headers.Location?.OriginalString is { } location
            ? location[(location.LastIndexOf('/') + 1)..]
            : null;
    }

    public async Task<JsonElement> GetJsonAsync(string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        Authorize(request, token);
        using var response = await http.SendAsync(request);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private async Task<string> LoginAsync(string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        return (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
    }

    private async Task<JsonElement> PostJsonAsync(string url, string? token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Content(Body(body)) };
        Authorize(request, token);
        using var response = await http.SendAsync(request);
        return await ReadAsync(response, HttpStatusCode.Created);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

/// <summary>
/// The shows a purchase scenario sells, created through the API before each run: <see cref="Current"/> for the run
/// about to start, <see cref="All"/> for the checks afterwards.
/// </summary>
internal sealed class ShowPool(BenchApi api) : IDisposable
{
    private readonly List<string> _all = [];

    public IReadOnlyList<string> Current { get; private set; } = [];

    public IReadOnlyList<string> All => _all;

    private readonly SemaphoreSlim _replacing = new(1, 1);

    /// <summary>Makes <paramref name="count"/> fresh shows the current ones.</summary>
    public async Task ReplaceAsync(int count)
    {
        var shows = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) => shows[i] = await api.CreateShowAsync());
        Current = shows;
        _all.AddRange(shows);
    }

    /// <summary>
    /// The shows after <paramref name="used"/>: the first caller that has used up the current ones makes
    /// <paramref name="count"/> fresh ones, and the others take those.
    /// </summary>
    public async Task<IReadOnlyList<string>> NextAsync(IReadOnlyList<string> used, int count)
    {
        await _replacing.WaitAsync();
        try
        {
            if (ReferenceEquals(Current, used))
            {
                await ReplaceAsync(count);
            }

            return Current;
        }
        finally
        {
            _replacing.Release();
        }
    }

    public void Dispose() => _replacing.Dispose();
}
