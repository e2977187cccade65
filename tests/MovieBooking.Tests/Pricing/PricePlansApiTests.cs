using System.Net;
using System.Text.Json;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Pricing;

/// <summary>Screens' price plans: bands by day and time of day price the shows scheduled without prices, on every database.</summary>
public abstract class PricePlansApiTests(AppFixture fixture)
{
    private static readonly TimeSpan India = TimeSpan.FromHours(5.5);

    /// <summary>Standard prices; a matinee Monday to Thursday before 12:00; a weekend Friday to Sunday all day.</summary>
    private static readonly object Plan = new
    {
        prices = new[] { new { category = "CLASSIC", amount = 20_000 }, new { category = "PRIME", amount = 30_000 } },
        bands = new object[]
        {
            new
            {
                name = "Matinee", days = new[] { "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY" }, from = "00:00", until = "12:00",
                prices = new[] { new { category = "CLASSIC", amount = 12_000 }, new { category = "PRIME", amount = 18_000 } },
            },
            new
            {
                name = "Weekend", days = new[] { "FRIDAY", "SATURDAY", "SUNDAY" },
                prices = new[] { new { category = "CLASSIC", amount = 25_000 }, new { category = "PRIME", amount = 35_000 } },
            },
        },
    };

    [Fact]
    public async Task A_show_scheduled_without_prices_takes_its_bands_prices_and_keeps_them_when_the_plan_changes()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var movie = await a.Catalog.MovieAsync();
        using (var put = await a.Owner.PutJsonAsync($"/api/screens/{screen}/price-plan", Plan))
        {
            var plan = await put.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("24:00", plan.GetProperty("bands")[1].GetProperty("until").GetString());
            Assert.Equal(["FRIDAY", "SATURDAY", "SUNDAY"], plan.GetProperty("bands")[1].GetProperty("days").Read<string[]>());
        }

        // Local times in the theatre's city (India): a Monday's 10:00 and 18:00, a Thursday's 11:59, a Saturday's 10:00.
        var monday = NextMonday(fixture.App.Time.GetUtcNow().ToOffset(India));
        var expected = new (DateTimeOffset StartsAt, string? Band, long Classic)[]
        {
            (At(monday, 10, 0), "Matinee", 12_000),
            (At(monday, 18, 0), null, 20_000),
            (At(monday.AddDays(3), 9, 0), "Matinee", 12_000),
            (At(monday.AddDays(3), 12, 0), null, 20_000),
            (At(monday.AddDays(5), 10, 0), "Weekend", 25_000),
        };
        var shows = new List<string>();
        foreach (var (startsAt, band, classic) in expected)
        {
            var quote = await a.Owner.GetJsonAsync($"/api/screens/{screen}/price-plan/prices?startsAt={Uri.EscapeDataString(startsAt.ToString("O"))}");
            Assert.Equal(band, quote.GetProperty("band").GetString());
            var show = await a.Catalog.CreateAsync("/api/shows", new { movieId = movie, screenId = screen, startsAt, language = "Hindi", format = "2D" });
            Assert.Equal(classic, PriceOf(await a.Anonymous.GetJsonAsync($"/api/shows/{show}"), "CLASSIC"));
            shows.Add(show);
        }

        // Explicit prices still win over the plan.
        var explicitShow = await a.Catalog.CreateAsync("/api/shows", new
        {
            movieId = movie,
            screenId = screen,
            startsAt = At(monday.AddDays(1), 10, 0),
            language = "Hindi",
            format = "2D",
            prices = CatalogBuilder.Prices(classic: 9_900, prime: 19_900),
        });
        Assert.Equal(9_900, PriceOf(await a.Anonymous.GetJsonAsync($"/api/shows/{explicitShow}"), "CLASSIC"));

        // A new plan prices new shows; every show scheduled before keeps the prices it was given.
        using (var changed = await a.Owner.PutJsonAsync($"/api/screens/{screen}/price-plan", new
        {
            prices = new[] { new { category = "CLASSIC", amount = 50_000 }, new { category = "PRIME", amount = 60_000 } },
        }))
        {
            Assert.Empty((await changed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("bands").EnumerateArray());
        }

        for (var i = 0; i < shows.Count; i++)
        {
            Assert.Equal(expected[i].Classic, PriceOf(await a.Anonymous.GetJsonAsync($"/api/shows/{shows[i]}"), "CLASSIC"));
        }

        var later = await a.Catalog.CreateAsync("/api/shows", new { movieId = movie, screenId = screen, startsAt = At(monday.AddDays(2), 10, 0), language = "Hindi", format = "2D" });
        Assert.Equal(50_000, PriceOf(await a.Anonymous.GetJsonAsync($"/api/shows/{later}"), "CLASSIC"));
    }

    [Theory]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":20000}]}""", "prices")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":0},{"category":"PRIME","amount":30000}]}""", "prices")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":20000},{"category":"PRIME","amount":30000},{"category":"RECLINER","amount":50000}]}""", "prices")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":20000},{"category":"CLASSIC","amount":20000},{"category":"PRIME","amount":30000}]}""", "prices")]
    [InlineData("""{"bands":[]}""", "prices")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"Late","days":["MONDAY"],"from":"22:00","until":"21:00","prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[0].until")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"Late","days":[],"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[0].days")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"Late","days":["MONDAY","MONDAY"],"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[0].days")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"Late","days":["MONDAY"],"from":"25:00","prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[0].from")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"Late","days":["MONDAY"],"prices":[{"category":"CLASSIC","amount":1}]}]}""", "bands[0].prices")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"A","days":["MONDAY","FRIDAY"],"from":"10:00","until":"14:00","prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]},{"name":"B","days":["FRIDAY"],"from":"13:00","prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[1]")]
    [InlineData("""{"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}],"bands":[{"name":"A","days":["MONDAY"],"until":"12:00","prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]},{"name":"a","days":["TUESDAY"],"prices":[{"category":"CLASSIC","amount":1},{"category":"PRIME","amount":1}]}]}""", "bands[1].name")]
    public async Task A_bad_plan_is_a_400_naming_the_field_and_stores_nothing(string body, string field)
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        using var response = await a.Owner.PutRawJsonAsync($"/api/screens/{screen}/price-plan", body);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        await a.Owner.GetProblemAsync($"/api/screens/{screen}/price-plan", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Overlapping_bands_are_named_with_the_day_and_times_they_share()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var prices = new[] { new { category = "CLASSIC", amount = 1 }, new { category = "PRIME", amount = 1 } };
        using var response = await a.Owner.PutJsonAsync($"/api/screens/{screen}/price-plan", new
        {
            prices,
            bands = new object[]
            {
                new { name = "Weekend", days = new[] { "SATURDAY", "SUNDAY" }, prices },
                new { name = "Matinee", days = new[] { "SUNDAY" }, until = "12:00", prices },
            },
        });
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("It overlaps Weekend on Sunday between 00:00 and 12:00; a show falls in one band at most.",
            problem.GetProperty("errors").GetProperty("bands[1]")[0].GetString());
    }

    [Fact]
    public async Task Only_the_screens_owner_or_an_admin_keeps_its_plan_and_without_one_a_show_needs_prices()
    {
        var a = await fixture.ActorsAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var url = $"/api/screens/{screen}/price-plan";
        await (await a.Anonymous.PutJsonAsync(url, Plan)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await a.User.PutJsonAsync(url, Plan)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await a.OtherOwner.PutJsonAsync(url, Plan)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await a.OtherOwner.GetProblemAsync(url, HttpStatusCode.Forbidden);
        await (await a.Owner.PutJsonAsync($"/api/screens/{Guid.CreateVersion7()}/price-plan", Plan)).ReadProblemAsync(HttpStatusCode.NotFound);
        await a.Owner.GetProblemAsync(url, HttpStatusCode.NotFound);

        var movie = await a.Catalog.MovieAsync();
        var startsAt = fixture.App.Time.GetUtcNow().AddDays(2);
        using (var unpriced = await a.Owner.PostJsonAsync("/api/shows", new { movieId = movie, screenId = screen, startsAt, language = "Hindi", format = "2D" }))
        {
            var problem = await unpriced.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("Give a price for each seat category, or set a price plan for the screen.", problem.GetProperty("errors").GetProperty("prices")[0].GetString());
        }

        using (var put = await a.Admin.PutJsonAsync(url, Plan))
        {
            await put.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(20_000, PriceOf(await a.Owner.GetJsonAsync(url), "CLASSIC"));
        using (var deleted = await a.Owner.DeleteAsync(new Uri(url, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await a.Owner.GetProblemAsync(url, HttpStatusCode.NotFound);
        using (var again = await a.Owner.DeleteAsync(new Uri(url, UriKind.Relative)))
        {
            await again.ReadProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task The_staff_list_of_theatres_shows_each_screen_and_whether_it_has_a_price_plan()
    {
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var planned = await a.Catalog.ScreenAsync(theatre);
        var unplanned = await a.Catalog.ScreenAsync(theatre);
        using (var put = await a.Owner.PutJsonAsync($"/api/screens/{planned}/price-plan", Plan))
        {
            await put.ReadJsonAsync(HttpStatusCode.OK);
        }

        JsonElement Listed(JsonElement theatres) => theatres.EnumerateArray().Single(t => t.GetProperty("id").GetString() == theatre);
        var screens = Listed(await a.Owner.GetJsonAsync("/api/staff/theatres")).GetProperty("screens").EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => (s.GetProperty("hasPricePlan").GetBoolean(), s.GetProperty("seatCount").GetInt32()));
        Assert.Equal(new Dictionary<string, (bool, int)> { [planned] = (true, 18), [unplanned] = (false, 18) }, screens);
        Assert.Equal(2, Listed(await a.Admin.GetJsonAsync("/api/staff/theatres")).GetProperty("screens").GetArrayLength());
        Assert.DoesNotContain((await a.OtherOwner.GetJsonAsync("/api/staff/theatres")).EnumerateArray(), t => t.GetProperty("id").GetString() == theatre);
        await a.User.GetProblemAsync("/api/staff/theatres", HttpStatusCode.Forbidden);
        await a.Anonymous.GetProblemAsync("/api/staff/theatres", HttpStatusCode.Unauthorized);
    }

    private static DateTimeOffset NextMonday(DateTimeOffset now)
    {
        var day = now.Date.AddDays(2);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(1);
        }

        return new DateTimeOffset(day, India);
    }

    private static DateTimeOffset At(DateTimeOffset day, int hour, int minute) => day.AddHours(hour).AddMinutes(minute);

    private static long PriceOf(JsonElement showOrPlan, string category) =>
        showOrPlan.GetProperty("prices").EnumerateArray().Single(p => p.GetProperty("category").GetString() == category).GetProperty("amount").GetInt64();
}

public sealed class SqlitePricePlansApiTests(SqliteAppFixture fixture) : PricePlansApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresPricePlansApiTests(PostgresAppFixture fixture) : PricePlansApiTests(fixture), IClassFixture<PostgresAppFixture>;
