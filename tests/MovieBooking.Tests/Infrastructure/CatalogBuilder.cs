using System.Net;
using System.Text.Json;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>Creates catalogue entries through the API as an admin, each with fresh names.</summary>
public sealed class CatalogBuilder(HttpClient admin, DateTimeOffset now)
{
    private int _sequence;

    public static object Layout(int rows = 3, int seatsPerRow = 6) => Enumerable.Range(0, rows).Select(r => new
    {
        label = ((char)('A' + r)).ToString(),
        seats = Enumerable.Range(1, seatsPerRow).Select(n => new
        {
            number = n,
            column = n <= seatsPerRow / 2 ? n - 1 : n,
            category = r == rows - 1 ? "PRIME" : "CLASSIC",
            blocked = false,
        }),
    }).ToArray();

    /// <summary>
    /// The demo's larger screen (Audi 1): 236 seats, rows A–G CLASSIC and H–L PRIME in blocks of 4, 10 and 4, rows M–N
    /// RECLINER in blocks of 5 and 5, an aisle between blocks, and A1, A18, M5 and N6 blocked.
    /// </summary>
    public static object AudiLayout()
    {
        (string Category, int[] Blocks)[] rows =
        [
            .. Enumerable.Repeat(("CLASSIC", new[] { 4, 10, 4 }), 7),
            .. Enumerable.Repeat(("PRIME", new[] { 4, 10, 4 }), 5),
            .. Enumerable.Repeat(("RECLINER", new[] { 5, 5 }), 2),
        ];
        string[] blocked = ["A1", "A18", "M5", "N6"];
        return rows.Select((row, r) =>
        {
            var label = ((char)('A' + r)).ToString();
            var seats = new List<object>();
            var (number, column) = (1, 0);
            foreach (var block in row.Blocks)
            {
                for (var s = 0; s < block; s++, number++, column++)
                {
                    seats.Add(new { number, column, category = row.Category, blocked = blocked.Contains($"{label}{number}") });
                }

                column++;
            }

            return new { label, seats };
        }).ToArray();
    }

    public static object[] Prices(long classic = 15_000, long prime = 25_000) =>
        [new { category = "CLASSIC", amount = classic }, new { category = "PRIME", amount = prime }];

    public object CityBody() => new { name = $"Test City {Next()}", slug = $"test-city-{Next()}", timeZone = "Asia/Kolkata" };

    public object MovieBody() => new
    {
        title = $"Test Movie {Next()}",
        description = "A film made for tests.",
        languages = new[] { "Hindi", "English" },
        genres = new[] { "Drama" },
        durationMinutes = 120,
        certificate = "UA",
        releaseDate = "2026-11-01",
        posterUrl = "https://images.example.com/posters/test.jpg",
    };

    public object ScreenBody() => new { name = $"Audi T{Next()}", rows = Layout() };

    public object ShowBody(string movieId, string screenId, DateTimeOffset? startsAt = null) => new
    {
        movieId,
        screenId,
        startsAt = startsAt ?? now.AddDays(1),
        language = "Hindi",
        format = "2D",
        prices = Prices(),
    };

    public Task<string> CityAsync() => CreateAsync("/api/cities", CityBody());

    public Task<string> MovieAsync() => CreateAsync("/api/movies", MovieBody());

    /// <summary>
    /// A theatre whose gap rule is <paramref name="gapRule"/>: OFF unless asked, so tests about holds and sales can name
    /// any seats; the rule itself (STRICT for a theatre opened without one) has tests of its own.
    /// </summary>
    public async Task<string> TheatreAsync(string ownerId, string? cityId = null, string gapRule = "OFF") =>
        await CreateAsync("/api/theatres", new { cityId = cityId ?? await CityAsync(), name = $"Test Theatre {Next()}", address = "1 Test Road, Test Town", ownerId, gapRule });

    public Task<string> ScreenAsync(string theatreId) => CreateAsync($"/api/theatres/{theatreId}/screens", ScreenBody());

    public async Task<string> ShowAsync(string screenId, string? movieId = null, DateTimeOffset? startsAt = null) =>
        await CreateAsync("/api/shows", ShowBody(movieId ?? await MovieAsync(), screenId, startsAt));

    public async Task<string> CreateAsync(string url, object body)
    {
        using var response = await admin.PostJsonAsync(url, body);
        JsonElement created = await response.ReadJsonAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    private int Next() => Interlocked.Increment(ref _sequence);
}
