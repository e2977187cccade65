using System.Net;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Seating;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Catalog;

/// <summary>Admins and theatre owners run the catalogue: validation, conflicts and the seat inventory, on every database.</summary>
public abstract class CatalogManagementTests(AppFixture fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    [Fact]
    public async Task Created_catalogue_entries_are_readable_by_everyone()
    {
        var a = await fixture.ActorsAsync();
        using var cityResponse = await a.Admin.PostJsonAsync("/api/cities", new { name = "Pune", slug = "pune-test", timeZone = "Asia/Kolkata" });
        var city = await cityResponse.ReadJsonAsync(HttpStatusCode.Created);
        var cityId = city.GetProperty("id").GetString();
        Assert.Equal($"/api/cities/{cityId}", cityResponse.Headers.Location?.ToString());

        var theatre = await a.Catalog.TheatreAsync(a.OwnerId, cityId);
        var detail = await _anonymous.GetJsonAsync($"/api/theatres/{theatre}");
        Assert.Equal("Pune", detail.GetProperty("city").GetProperty("name").GetString());

        using var movieResponse = await a.Admin.PostJsonAsync("/api/movies", a.Catalog.MovieBody());
        var movieId = (await movieResponse.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var movie = await _anonymous.GetJsonAsync($"/api/movies/{movieId}");
        Assert.Equal(["Hindi", "English"], movie.GetProperty("languages").Read<string[]>());
    }

    [Theory]
    [InlineData("""{"name":"X","slug":"ok-slug","timeZone":"Asia/Kolkata"}""", "name")]
    [InlineData("""{"name":"Goa","slug":"Not A Slug","timeZone":"Asia/Kolkata"}""", "slug")]
    [InlineData("""{"name":"Goa","slug":"goa","timeZone":"Mars/Base"}""", "timeZone")]
    [InlineData("""{"name":"Goa","slug":"goa"}""", "timeZone")]
    public async Task A_bad_city_is_a_validation_problem(string body, string field) =>
        await AssertRejectedAsync(HttpMethod.Post, "/api/cities", body, field);

    [Theory]
    [InlineData("""{"title":"","languages":["Hindi"],"genres":["Drama"],"durationMinutes":100,"certificate":"U","releaseDate":"2026-01-01"}""", "title")]
    [InlineData("""{"title":"T","languages":[],"genres":["Drama"],"durationMinutes":100,"certificate":"U","releaseDate":"2026-01-01"}""", "languages")]
    [InlineData("""{"title":"T","languages":[" "],"genres":["Drama"],"durationMinutes":100,"certificate":"U","releaseDate":"2026-01-01"}""", "languages")]
    [InlineData("""{"title":"T","languages":["Hindi"],"genres":["Drama"],"durationMinutes":0,"certificate":"U","releaseDate":"2026-01-01"}""", "durationMinutes")]
    [InlineData("""{"title":"T","languages":["Hindi"],"genres":["Drama"],"durationMinutes":100,"certificate":"PG-13","releaseDate":"2026-01-01"}""", "certificate")]
    [InlineData("""{"title":"T","languages":["Hindi"],"genres":["Drama"],"durationMinutes":100,"certificate":"U"}""", "releaseDate")]
    [InlineData("""{"title":"T","languages":["Hindi"],"genres":["Drama"],"durationMinutes":100,"certificate":"U","releaseDate":"2026-01-01","posterUrl":"not a url"}""", "posterUrl")]
    public async Task A_bad_movie_is_a_validation_problem(string body, string field) =>
        await AssertRejectedAsync(HttpMethod.Post, "/api/movies", body, field);

    [Fact]
    public async Task A_theatre_needs_a_known_city_and_a_theatre_owner()
    {
        var a = await fixture.ActorsAsync();
        var city = await a.Catalog.CityAsync();
        await AssertRejectedAsync(HttpMethod.Post, "/api/theatres",
            $$"""{"cityId":"{{Guid.CreateVersion7()}}","name":"Nowhere","address":"1 Nowhere Street","ownerId":"{{a.OwnerId}}"}""", "cityId");
        await AssertRejectedAsync(HttpMethod.Post, "/api/theatres",
            $$"""{"cityId":"{{city}}","name":"Wrong Owner","address":"1 Some Street","ownerId":"{{a.UserId}}"}""", "ownerId");
        await AssertRejectedAsync(HttpMethod.Post, "/api/theatres",
            $$"""{"cityId":"{{city}}","name":"No Owner","address":"1 Some Street"}""", "ownerId");
    }

    [Fact]
    public async Task City_slugs_are_unique_and_referenced_entries_cannot_be_removed()
    {
        var a = await fixture.ActorsAsync();
        using var first = await a.Admin.PostJsonAsync("/api/cities", new { name = "Surat", slug = "surat", timeZone = "Asia/Kolkata" });
        var city = (await first.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var twin = await a.Admin.PostJsonAsync("/api/cities", new { name = "Surat Two", slug = "surat", timeZone = "Asia/Kolkata" });
        await twin.ReadProblemAsync(HttpStatusCode.Conflict);

        var theatre = await a.Catalog.TheatreAsync(a.OwnerId, city);
        var screen = await a.Catalog.ScreenAsync(theatre);
        var movie = await a.Catalog.MovieAsync();
        await a.Catalog.ShowAsync(screen, movie);

        await AssertConflictAsync(a.Admin, $"/api/cities/{city}");
        await AssertConflictAsync(a.Admin, $"/api/theatres/{theatre}");
        await AssertConflictAsync(a.Admin, $"/api/movies/{movie}");
        using var missing = await a.Admin.DeleteAsync(new Uri($"/api/cities/{Guid.CreateVersion7()}", UriKind.Relative));
        await missing.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"name":"Empty","rows":[]}""", "rows")]
    [InlineData("""{"name":"No seats","rows":[{"label":"A","seats":[]}]}""", "rows")]
    [InlineData("""{"name":"Bad label","rows":[{"label":"a1","seats":[{"number":1,"column":0,"category":"CLASSIC"}]}]}""", "rows[0].label")]
    [InlineData("""{"name":"Twin rows","rows":[{"label":"A","seats":[{"number":1,"column":0,"category":"CLASSIC"}]},{"label":"A","seats":[{"number":2,"column":1,"category":"CLASSIC"}]}]}""", "rows[1].label")]
    [InlineData("""{"name":"Twin seats","rows":[{"label":"A","seats":[{"number":1,"column":0,"category":"CLASSIC"},{"number":1,"column":1,"category":"CLASSIC"}]}]}""", "rows[0].seats[1].number")]
    [InlineData("""{"name":"Same place","rows":[{"label":"A","seats":[{"number":1,"column":0,"category":"CLASSIC"},{"number":2,"column":0,"category":"CLASSIC"}]}]}""", "rows[0].seats[1].column")]
    [InlineData("""{"name":"Bad number","rows":[{"label":"A","seats":[{"number":0,"column":0,"category":"CLASSIC"}]}]}""", "rows[0].seats[0].number")]
    public async Task A_bad_layout_is_a_validation_problem_and_creates_no_screen(string body, string field)
    {
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        await AssertRejectedAsync(HttpMethod.Post, $"/api/theatres/{theatre}/screens", body, field, a.Owner);
        var detail = await _anonymous.GetJsonAsync($"/api/theatres/{theatre}");
        Assert.Empty(detail.GetProperty("screens").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_seat_category_is_a_400_problem()
    {
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        using var content = new StringContent("""{"name":"Gold","rows":[{"label":"A","seats":[{"number":1,"column":0,"category":"GOLD"}]}]}""",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await a.Owner.PostAsync(new Uri($"/api/theatres/{theatre}/screens", UriKind.Relative), content);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("category", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_screen_keeps_its_layout_and_a_show_gets_one_inventory_row_per_seat()
    {
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        using var created = await a.Owner.PostJsonAsync($"/api/theatres/{theatre}/screens", new
        {
            name = "Audi 9",
            rows = new object[]
            {
                new { label = "A", seats = new object[] { new { number = 1, column = 0, category = "CLASSIC" }, new { number = 2, column = 2, category = "CLASSIC", blocked = true } } },
                new { label = "B", seats = new object[] { new { number = 1, column = 0, category = "RECLINER" } } },
            },
        });
        var screen = await created.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, screen.GetProperty("seatCount").GetInt32());
        var screenId = screen.GetProperty("id").GetString()!;

        var read = await _anonymous.GetJsonAsync($"/api/screens/{screenId}");
        Assert.Equal(2, read.GetProperty("rows")[0].GetProperty("seats")[1].GetProperty("column").GetInt32());
        Assert.True(read.GetProperty("rows")[0].GetProperty("seats")[1].GetProperty("blocked").GetBoolean());

        var movie = await a.Catalog.MovieAsync();
        using var show = await a.Owner.PostJsonAsync("/api/shows", new
        {
            movieId = movie,
            screenId,
            startsAt = _app.Time.GetUtcNow().AddDays(2).ToOffset(TimeSpan.FromHours(5.5)),
            language = "hindi",
            format = "2D",
            prices = new[] { new { category = "CLASSIC", amount = 20_000 }, new { category = "RECLINER", amount = 50_000 } },
        });
        var showBody = await show.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("Hindi", showBody.GetProperty("language").GetString());
        Assert.Equal(TimeSpan.FromMinutes(120), showBody.GetProperty("endsAt").GetDateTimeOffset() - showBody.GetProperty("startsAt").GetDateTimeOffset());

        var map = await _anonymous.GetJsonAsync($"/api/shows/{showBody.GetProperty("id").GetString()}/seats");
        Assert.Equal(2, map.GetProperty("summary").GetProperty("AVAILABLE").GetInt32());
        Assert.Equal(1, map.GetProperty("summary").GetProperty("BLOCKED").GetInt32());
        Assert.Equal(50_000, map.GetProperty("rows")[1].GetProperty("seats")[0].GetProperty("price").GetInt64());
    }

    [Fact]
    public async Task A_show_is_checked_against_its_movie_screen_clock_and_neighbours()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var movie = await a.Catalog.MovieAsync();
        var tomorrow = _app.Time.GetUtcNow().AddDays(1);
        string Show(object startsAt, string language = "Hindi", string prices = """[{"category":"CLASSIC","amount":100},{"category":"PRIME","amount":200}]""", string extra = "") =>
            $$"""{"movieId":"{{movie}}","screenId":"{{screen}}","startsAt":"{{startsAt}}","language":"{{language}}","format":"2D","prices":{{prices}}{{extra}}}""";

        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(_app.Time.GetUtcNow().AddHours(-1).ToString("O")), "startsAt");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(tomorrow.ToString("O"), extra: $",\"endsAt\":\"{tomorrow.AddMinutes(-5):O}\""), "endsAt");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(tomorrow.ToString("O"), extra: $",\"endsAt\":\"{tomorrow.AddMinutes(60):O}\""), "endsAt");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(tomorrow.ToString("O"), language: "Tamil"), "language");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(tomorrow.ToString("O"), prices: """[{"category":"CLASSIC","amount":100}]"""), "prices");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows",
            Show(tomorrow.ToString("O"), prices: """[{"category":"CLASSIC","amount":100},{"category":"PRIME","amount":200},{"category":"RECLINER","amount":300}]"""), "prices");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows", Show(tomorrow.ToString("O"), prices: """[{"category":"CLASSIC","amount":-1},{"category":"PRIME","amount":200}]"""), "prices");
        await AssertRejectedAsync(HttpMethod.Post, "/api/shows",
            $$"""{"movieId":"{{movie}}","screenId":"{{Guid.CreateVersion7()}}","startsAt":"{{tomorrow:O}}","language":"Hindi","format":"2D","prices":[]}""", "screenId");

        await a.Catalog.ShowAsync(screen, movie, tomorrow);
        using var overlapping = await a.Admin.PostJsonAsync("/api/shows", a.Catalog.ShowBody(movie, screen, tomorrow.AddMinutes(90)));
        await overlapping.ReadProblemAsync(HttpStatusCode.Conflict);
        using var after = await a.Admin.PostJsonAsync("/api/shows", a.Catalog.ShowBody(movie, screen, tomorrow.AddMinutes(120)));
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);

        var count = await _app.WithDbAsync(db => db.Shows.CountAsync(s => s.ScreenId == Guid.Parse(screen)));
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task A_cancelled_show_is_no_longer_listed_and_cannot_be_cancelled_again()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var movie = await a.Catalog.MovieAsync();
        var show = await a.Catalog.ShowAsync(screen, movie);
        Assert.Single((await _anonymous.GetJsonAsync($"/api/movies/{movie}/shows")).EnumerateArray());

        using var cancel = await a.Owner.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null);
        Assert.Equal("CANCELLED", (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Empty((await _anonymous.GetJsonAsync($"/api/movies/{movie}/shows")).EnumerateArray());

        using var again = await a.Owner.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null);
        await again.ReadProblemAsync(HttpStatusCode.Conflict);
        using var update = await a.Owner.PutJsonAsync($"/api/shows/{show}", a.Catalog.ShowBody(movie, screen));
        await update.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Sold_seats_pin_the_show_time_and_the_screen_layout()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var movie = await a.Catalog.MovieAsync();
        var startsAt = _app.Time.GetUtcNow().AddDays(1);
        var show = await a.Catalog.ShowAsync(screen, movie, startsAt);
        await _app.WithDbAsync(db => db.ShowSeats.Where(s => s.ShowId == Guid.Parse(show) && s.SeatId == "A1")
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SeatStatus.Booked).SetProperty(x => x.BookingId, Guid.CreateVersion7())));

        using (var move = await a.Owner.PutJsonAsync($"/api/shows/{show}", a.Catalog.ShowBody(movie, screen, startsAt.AddHours(3))))
        {
            await move.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        // Prices and format may still change for the seats not yet sold.
        using (var reprice = await a.Owner.PutJsonAsync($"/api/shows/{show}", new
        {
            startsAt,
            language = "English",
            format = "IMAX 2D",
            prices = CatalogBuilder.Prices(classic: 9_900),
        }))
        {
            var body = await reprice.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("IMAX 2D", body.GetProperty("format").GetString());
        }

        using (var relayout = await a.Owner.PutJsonAsync($"/api/screens/{screen}", new { name = "Bigger", rows = CatalogBuilder.Layout(rows: 4) }))
        {
            await relayout.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        await AssertConflictAsync(a.Owner, $"/api/shows/{show}");
        await AssertConflictAsync(a.Owner, $"/api/screens/{screen}");
    }

    [Fact]
    public async Task A_new_layout_rebuilds_the_inventory_of_upcoming_shows_without_sales()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var show = await a.Catalog.ShowAsync(screen);
        var before = await _anonymous.GetJsonAsync($"/api/shows/{show}/seats");
        Assert.Equal(18, before.GetProperty("summary").GetProperty("AVAILABLE").GetInt32());

        using var relayout = await a.Owner.PutJsonAsync($"/api/screens/{screen}", new { name = "Audi Wide", rows = CatalogBuilder.Layout(rows: 4, seatsPerRow: 8) });
        var updated = await relayout.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(32, updated.GetProperty("seatCount").GetInt32());
        var after = await _anonymous.GetJsonAsync($"/api/shows/{show}/seats");
        Assert.Equal(32, after.GetProperty("summary").GetProperty("AVAILABLE").GetInt32());
    }

    private async Task AssertRejectedAsync(HttpMethod method, string url, string body, string field, HttpClient? client = null)
    {
        var a = await fixture.ActorsAsync();
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await (client ?? a.Admin).SendAsync(request);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(fields.Contains(field, StringComparer.Ordinal), $"expected an error for {field}: {problem}");
    }

    private static async Task AssertConflictAsync(HttpClient client, string url)
    {
        using var response = await client.DeleteAsync(new Uri(url, UriKind.Relative));
        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }
}

public sealed class SqliteCatalogManagementTests(SqliteAppFixture fixture) : CatalogManagementTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresCatalogManagementTests(PostgresAppFixture fixture) : CatalogManagementTests(fixture), IClassFixture<PostgresAppFixture>;
