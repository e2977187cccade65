using System.Globalization;
using System.Net;
using System.Text.Json;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Catalog;

/// <summary>The anonymous catalogue API over the seeded demo data, run against every database.</summary>
public abstract class CatalogApiTests(AppFixture fixture)
{
    private static readonly TimeSpan India = TimeSpan.FromHours(5.5);
    private readonly HttpClient _client = fixture.Client;
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task Health_answers_the_fixed_body()
    {
        using var response = await _client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true,"message":"Server is running"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_is_200_when_the_database_answers()
    {
        var ready = await _client.GetJsonAsync("/api/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Cities_are_listed_by_name_in_pages()
    {
        var all = await _client.GetJsonAsync("/api/cities");
        Assert.Equal(4, all.GetProperty("total").GetInt32());
        var names = all.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Bengaluru", "Delhi NCR", "Hyderabad", "Mumbai"], names);

        var second = await _client.GetJsonAsync("/api/cities?page=2&pageSize=3");
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        Assert.Equal(3, second.GetProperty("pageSize").GetInt32());
        Assert.Equal(4, second.GetProperty("total").GetInt32());
        Assert.Equal("Mumbai", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        var beyond = await _client.GetJsonAsync("/api/cities?page=9");
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_page_size_of_a_hundred_is_the_largest_accepted()
    {
        var page = await _client.GetJsonAsync("/api/movies?pageSize=100");
        Assert.Equal(100, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(8, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/cities?page=0", "page")]
    [InlineData("/api/cities?pageSize=0", "pageSize")]
    [InlineData("/api/movies?pageSize=101", "pageSize")]
    [InlineData("/api/movies?pageSize=5000", "pageSize")]
    [InlineData("/api/theatres?page=-3", "page")]
    public async Task Out_of_range_paging_is_a_validation_problem_naming_the_field(string url, string field)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/cities?page=abc")]
    [InlineData("/api/theatres?cityId=not-a-guid")]
    [InlineData("/api/movies?language=" + "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")]
    public async Task Malformed_query_values_are_a_400_problem(string url)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("/api/movies?genere=drama", "genere")]
    [InlineData("/api/theatres?city=bengaluru", "city")]
    [InlineData("/api/cities?status=CONFIRMED", "status")]
    [InlineData("/api/bookings?staus=CONFIRMED", "staus")]
    public async Task A_query_parameter_the_operation_does_not_take_is_refused_naming_it(string url, string field)
    {
        using var client = await _app.SignedInClientAsync(Accounts.UserEmail, Accounts.UserPassword);
        var problem = await client.GetProblemAsync(url, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString();
        Assert.Contains($"'{field}' is not a query parameter", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/cities", HttpStatusCode.OK)]
    [InlineData("/api/movies?genre=drama&pageSize=5", HttpStatusCode.OK)]
    [InlineData("/api/health", HttpStatusCode.OK)]
    [InlineData("/api/health/ready", HttpStatusCode.OK)]
    [InlineData("/api/bookings", HttpStatusCode.Unauthorized)]
    [InlineData("/api/movies/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/api/movies?pageSize=0", HttpStatusCode.BadRequest)]
    public async Task Head_answers_wherever_get_does_with_the_same_status_and_headers_and_no_body(string url, HttpStatusCode expected)
    {
        using var get = await _client.GetAsync(new Uri(url, UriKind.Relative));
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(url, UriKind.Relative)));

        Assert.Equal(expected, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await get.Content.ReadAsByteArrayAsync());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Malformed_date_is_a_400_problem()
    {
        var city = await FirstCityIdAsync();
        var problem = await _client.GetProblemAsync($"/api/cities/{city}/movies?date=2026-13-45", HttpStatusCode.BadRequest);
        Assert.Contains("Date", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/api/cities/{0}")]
    [InlineData("/api/cities/{0}/movies")]
    [InlineData("/api/movies/{0}")]
    [InlineData("/api/movies/{0}/shows")]
    [InlineData("/api/theatres/{0}")]
    [InlineData("/api/shows/{0}")]
    [InlineData("/api/shows/{0}/seats")]
    public async Task Unknown_ids_are_a_404_problem(string template)
    {
        var url = string.Format(CultureInfo.InvariantCulture, template, Guid.CreateVersion7());
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.NotFound);
        Assert.Contains("not found", problem.GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/api/movies/12345")]
    [InlineData("/api/shows/xyz/seats")]
    [InlineData("/api/no-such-thing")]
    public async Task Malformed_ids_and_unknown_routes_are_a_404_problem(string url) =>
        await _client.GetProblemAsync(url, HttpStatusCode.NotFound);

    [Fact]
    public async Task A_movie_has_its_details()
    {
        var movies = await _client.GetJsonAsync("/api/movies?genre=SCI-FI");
        var orbit = Assert.Single(movies.GetProperty("items").EnumerateArray());
        var movie = await _client.GetJsonAsync($"/api/movies/{orbit.GetProperty("id").GetString()}");

        Assert.Equal("Orbit Nine", movie.GetProperty("title").GetString());
        Assert.Equal(128, movie.GetProperty("durationMinutes").GetInt32());
        Assert.Equal("UA7+", movie.GetProperty("certificate").GetString());
        Assert.Equal(["English", "Hindi"], movie.GetProperty("languages").Read<string[]>());
        Assert.Equal(["Sci-Fi", "Adventure"], movie.GetProperty("genres").Read<string[]>());
        Assert.Equal("2026-11-20", movie.GetProperty("releaseDate").GetString());
        Assert.StartsWith("https://", movie.GetProperty("posterUrl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Movies_of_a_city_can_be_filtered_by_day_language_and_genre()
    {
        var city = await FirstCityIdAsync();
        var all = await _client.GetJsonAsync($"/api/cities/{city}/movies?pageSize=100");
        Assert.InRange(all.GetProperty("total").GetInt32(), 2, 8);

        var hindi = await _client.GetJsonAsync($"/api/cities/{city}/movies?language=hINDI&pageSize=100");
        var hindiTitles = Titles(hindi);
        Assert.NotEmpty(hindiTitles);
        foreach (var id in hindi.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()))
        {
            var groups = await _client.GetJsonAsync($"/api/movies/{id}/shows?cityId={city}");
            Assert.Contains(groups.EnumerateArray().SelectMany(g => g.GetProperty("shows").EnumerateArray()),
                s => s.GetProperty("language").GetString() == "Hindi");
        }

        var thrillers = await _client.GetJsonAsync($"/api/cities/{city}/movies?genre=thriller&pageSize=100");
        Assert.All(thrillers.GetProperty("items").EnumerateArray(),
            m => Assert.Contains("Thriller", m.GetProperty("genres").Read<string[]>()));

        var noShowsThatDay = await _client.GetJsonAsync($"/api/cities/{city}/movies?date=2030-01-01");
        Assert.Equal(0, noShowsThatDay.GetProperty("total").GetInt32());

        var tomorrow = DateOnly.FromDateTime(TestClock.Start.ToOffset(India).DateTime).AddDays(1);
        var onDay = await _client.GetJsonAsync($"/api/cities/{city}/movies?date={tomorrow:yyyy-MM-dd}&pageSize=100");
        Assert.True(onDay.GetProperty("total").GetInt32() > 0);
        Assert.Subset(Titles(all).ToHashSet(), Titles(onDay).ToHashSet());
    }

    [Fact]
    public async Task Shows_of_a_movie_are_grouped_by_theatre_in_city_time()
    {
        var city = await FirstCityIdAsync();
        var movie = (await _client.GetJsonAsync($"/api/cities/{city}/movies")).GetProperty("items")[0].GetProperty("id").GetString();
        var tomorrow = DateOnly.FromDateTime(TestClock.Start.ToOffset(India).DateTime).AddDays(1);

        var groups = await _client.GetJsonAsync($"/api/movies/{movie}/shows?cityId={city}&date={tomorrow:yyyy-MM-dd}");
        Assert.NotEmpty(groups.EnumerateArray());
        foreach (var group in groups.EnumerateArray())
        {
            Assert.Equal(city, group.GetProperty("theatre").GetProperty("city").GetProperty("id").GetString());
            var starts = group.GetProperty("shows").EnumerateArray().Select(s => s.GetProperty("startsAt").GetDateTimeOffset()).ToList();
            Assert.NotEmpty(starts);
            Assert.Equal(starts.Order(), starts);
            foreach (var show in group.GetProperty("shows").EnumerateArray())
            {
                var startsAt = show.GetProperty("startsAt");
                Assert.EndsWith("+05:30", startsAt.GetString(), StringComparison.Ordinal);
                Assert.Equal(tomorrow, DateOnly.FromDateTime(startsAt.GetDateTimeOffset().DateTime));
                Assert.True(show.GetProperty("endsAt").GetDateTimeOffset() > startsAt.GetDateTimeOffset());
                Assert.Equal(3, show.GetProperty("prices").GetArrayLength());
                Assert.All(show.GetProperty("prices").EnumerateArray(), p => Assert.Equal("INR", p.GetProperty("currency").GetString()));
                Assert.False(string.IsNullOrEmpty(show.GetProperty("screen").GetProperty("name").GetString()));
            }
        }

        var everywhere = await _client.GetJsonAsync($"/api/movies/{movie}/shows");
        Assert.True(everywhere.GetArrayLength() > groups.GetArrayLength());
    }

    [Fact]
    public async Task Theatres_can_be_listed_per_city_and_show_their_screens()
    {
        var all = await _client.GetJsonAsync("/api/theatres?pageSize=100");
        Assert.Equal(8, all.GetProperty("total").GetInt32());

        var city = await FirstCityIdAsync();
        var inCity = await _client.GetJsonAsync($"/api/theatres?cityId={city}");
        Assert.Equal(2, inCity.GetProperty("total").GetInt32());
        var theatre = inCity.GetProperty("items")[0];
        Assert.Equal(city, theatre.GetProperty("city").GetProperty("id").GetString());

        var detail = await _client.GetJsonAsync($"/api/theatres/{theatre.GetProperty("id").GetString()}");
        Assert.Equal(theatre.GetProperty("name").GetString(), detail.GetProperty("name").GetString());
        var screens = detail.GetProperty("screens").EnumerateArray().ToList();
        Assert.True(screens.Count >= 2);
        Assert.All(screens, s => Assert.InRange(s.GetProperty("seatCount").GetInt32(), 100, 250));

        var nowhere = await _client.GetJsonAsync($"/api/theatres?cityId={Guid.CreateVersion7()}");
        Assert.Equal(0, nowhere.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_show_has_its_movie_theatre_screen_and_prices()
    {
        var (movieId, showId) = await AnyShowAsync();
        var show = await _client.GetJsonAsync($"/api/shows/{showId}");

        Assert.Equal(showId, show.GetProperty("id").GetString());
        Assert.Equal(movieId, show.GetProperty("movie").GetProperty("id").GetString());
        Assert.Equal("SCHEDULED", show.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(show.GetProperty("theatre").GetProperty("name").GetString()));
        Assert.False(string.IsNullOrEmpty(show.GetProperty("screen").GetProperty("name").GetString()));
        var categories = show.GetProperty("prices").EnumerateArray().Select(p => p.GetProperty("category").GetString()).ToList();
        Assert.Equal(["RECLINER", "PRIME", "CLASSIC"], categories);
        Assert.All(show.GetProperty("prices").EnumerateArray(), p => Assert.True(p.GetProperty("amount").GetInt64() > 0));
    }

    [Fact]
    public async Task The_seat_map_lists_every_seat_by_row_with_price_and_status()
    {
        var (_, showId) = await AnyShowAsync();
        var show = await _client.GetJsonAsync($"/api/shows/{showId}");
        var prices = show.GetProperty("prices").EnumerateArray()
            .ToDictionary(p => p.GetProperty("category").GetString()!, p => p.GetProperty("amount").GetInt64());

        var map = await _client.GetJsonAsync($"/api/shows/{showId}/seats");
        Assert.Equal(showId, map.GetProperty("showId").GetString());
        Assert.Equal("INR", map.GetProperty("currency").GetString());
        var rows = map.GetProperty("rows").EnumerateArray().ToList();
        var labels = rows.Select(r => r.GetProperty("label").GetString()!).ToList();
        Assert.Equal(labels.Order(StringComparer.Ordinal), labels);
        Assert.Equal("A", labels[0]);

        var seats = rows.SelectMany(r => r.GetProperty("seats").EnumerateArray().Select(s => (Row: r.GetProperty("label").GetString()!, Seat: s))).ToList();
        Assert.InRange(seats.Count, 100, 250);
        Assert.All(seats, s =>
        {
            Assert.Equal($"{s.Row}{s.Seat.GetProperty("number").GetInt32()}", s.Seat.GetProperty("id").GetString());
            Assert.Equal(prices[s.Seat.GetProperty("category").GetString()!], s.Seat.GetProperty("price").GetInt64());
        });
        Assert.Equal(3, seats.Select(s => s.Seat.GetProperty("category").GetString()).Distinct().Count());

        // Aisles: some row has a gap between consecutive columns.
        Assert.Contains(rows, r =>
        {
            var columns = r.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("column").GetInt32()).ToList();
            return columns.Zip(columns.Skip(1)).Any(pair => pair.Second - pair.First > 1);
        });

        var summary = map.GetProperty("summary");
        var statuses = seats.GroupBy(s => s.Seat.GetProperty("status").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(seats.Count, summary.GetProperty("AVAILABLE").GetInt32() + summary.GetProperty("BLOCKED").GetInt32());
        Assert.Equal(0, summary.GetProperty("HELD").GetInt32());
        Assert.Equal(0, summary.GetProperty("BOOKED").GetInt32());
        Assert.True(summary.GetProperty("BLOCKED").GetInt32() > 0);
        Assert.Equal(statuses["BLOCKED"], summary.GetProperty("BLOCKED").GetInt32());
    }

    private static List<string> Titles(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("title").GetString()!)];

    private async Task<string> FirstCityIdAsync() =>
        (await _client.GetJsonAsync("/api/cities")).GetProperty("items")[0].GetProperty("id").GetString()!;

    private async Task<(string MovieId, string ShowId)> AnyShowAsync()
    {
        var movie = (await _client.GetJsonAsync("/api/movies")).GetProperty("items")[0].GetProperty("id").GetString()!;
        var groups = await _client.GetJsonAsync($"/api/movies/{movie}/shows");
        return (movie, groups[0].GetProperty("shows")[0].GetProperty("id").GetString()!);
    }
}

public sealed class SqliteCatalogApiTests(SqliteAppFixture fixture) : CatalogApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresCatalogApiTests(PostgresAppFixture fixture) : CatalogApiTests(fixture), IClassFixture<PostgresAppFixture>;
