using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Seating;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Seating;

/// <summary>
/// Best-available holds and the gap rule over HTTP, on every store: the picker's choice against the live seat map,
/// seat-gap answers with a suggestion, the theatre's rule, the screen's focal point, and parties racing for one show.
/// </summary>
public abstract class SeatSelectionApiTests(AppFixture fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    [Fact]
    public async Task Best_available_holds_the_seats_nearest_the_focal_point_side_by_side()
    {
        // Five rows of two blocks of four: the focal point is the aisle of row D.
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 5, seatsPerRow: 8));

        Assert.Equal(["D3", "D4"], Seats(await HoldBestAsync(shoppers[0], show, 2)));
        Assert.Equal(["D5", "D6"], Seats(await HoldBestAsync(shoppers[1], show, 2)));
        // The middle of the rows in front and behind is nearer than D1-D2 (a row back counts as two seats across);
        // of the four such pairs, the nearer row and then the lower numbers win.
        Assert.Equal(["C3", "C4"], Seats(await HoldBestAsync(shoppers[2], show, 2)));

        var map = await _anonymous.SeatStatusesAsync(show);
        Assert.Equal(6, map.Count(kv => kv.Value == "HELD"));
        Assert.All(new[] { "C3", "C4", "D3", "D4", "D5", "D6" }, seat => Assert.Equal("HELD", map[seat]));
    }

    [Fact]
    public async Task Best_available_keeps_to_a_category_and_refuses_with_a_reason_when_none_fit()
    {
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 5, seatsPerRow: 8));

        // Row E, the back row, is the only PRIME row.
        Assert.Equal(["E3", "E4"], Seats(await HoldBestAsync(shoppers[0], show, 2, "PRIME")));
        var before = await _anonymous.SeatStatusesAsync(show);

        using var response = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { count = 7, category = "PRIME" });
        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("PRIME", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await _anonymous.SeatStatusesAsync(show));
    }

    [Fact]
    public async Task A_screens_focal_point_moves_the_best_seats()
    {
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 5, seatsPerRow: 8), new { row = "A", column = 0 });

        Assert.Equal(["A1", "A2"], Seats(await HoldBestAsync(shoppers[0], show, 2)));
    }

    [Theory]
    [InlineData("""{}""", "seatIds")]
    [InlineData("""{"seatIds":["A1"],"count":1}""", "count")]
    [InlineData("""{"seatIds":["A1"],"category":"PRIME"}""", "category")]
    [InlineData("""{"count":0}""", "count")]
    [InlineData("""{"count":11}""", "count")]
    [InlineData("""{"count":2,"category":"BALCONY"}""", "category")]
    [InlineData("""{"count":"two"}""", "count")]
    public async Task A_request_that_is_neither_seats_nor_a_count_is_a_400_naming_the_field(string body, string field)
    {
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout());
        var before = await _anonymous.SeatStatusesAsync(show);

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await shoppers[0].PostAsync(new Uri($"/api/shows/{show}/holds", UriKind.Relative), content);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"Expected an error on {field}: {problem}");
        Assert.Equal(before, await _anonymous.SeatStatusesAsync(show));
    }

    [Theory]
    [InlineData("best-seats")]
    [InlineData("best-seats?count=0")]
    [InlineData("best-seats?count=11")]
    [InlineData("best-seats?count=two")]
    [InlineData("best-seats?count=2&category=BALCONY")]
    [InlineData("seat-check")]
    [InlineData("seat-check?seatIds=a1")]
    [InlineData("seat-check?seatIds=A1&seatIds=A1")]
    [InlineData("seat-check?seatIds=Z9")]
    public async Task A_preview_asked_wrongly_is_a_400_problem_and_holds_nothing(string query)
    {
        var (show, _) = await ShowAsync("STRICT", CatalogBuilder.Layout());
        var before = await _anonymous.SeatStatusesAsync(show);

        var problem = await _anonymous.GetProblemAsync($"/api/shows/{show}/{query}", HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(), $"No field named: {problem}");
        Assert.Equal(before, await _anonymous.SeatStatusesAsync(show));
        await _anonymous.GetProblemAsync($"/api/shows/{Guid.CreateVersion7()}/best-seats?count=2", HttpStatusCode.NotFound);
        await _anonymous.GetProblemAsync($"/api/shows/{Guid.CreateVersion7()}/seat-check?seatIds=A1", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Previews_answer_what_a_hold_would_do_without_holding()
    {
        var (show, _) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));

        Assert.Equal(["B3", "B4"], (await _anonymous.GetJsonAsync($"/api/shows/{show}/best-seats?count=2")).GetProperty("seatIds").Read<string[]>());
        var check = await _anonymous.GetJsonAsync($"/api/shows/{show}/seat-check?seatIds=B2");
        Assert.Equal("B1", check.GetProperty("strandedSeat").GetString());
        Assert.Equal(["B1"], check.GetProperty("suggestedSeats").Read<string[]>());
        Assert.Equal(JsonValueKind.Null, (await _anonymous.GetJsonAsync($"/api/shows/{show}/seat-check?seatIds=B1&seatIds=B2")).GetProperty("strandedSeat").ValueKind);
        Assert.All((await _anonymous.SeatStatusesAsync(show)).Values, status => Assert.Equal("AVAILABLE", status));
    }

    [Fact]
    public async Task A_focal_point_on_a_row_the_layout_lacks_is_a_400_and_makes_no_screen()
    {
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        foreach (var focalPoint in new object[] { new { row = "Z", column = 1 }, new { row = "a", column = 1 }, new { row = "A", column = -1 } })
        {
            using var response = await a.Owner.PostJsonAsync($"/api/theatres/{theatre}/screens", new { name = "Audi F", rows = CatalogBuilder.Layout(), focalPoint });
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("focalPoint", StringComparison.Ordinal));
        }

        Assert.Empty((await _anonymous.GetJsonAsync($"/api/theatres/{theatre}")).GetProperty("screens").EnumerateArray());
    }

    [Fact]
    public async Task A_selection_that_strands_a_seat_is_a_seat_gap_409_with_the_nearest_selection_that_does_not()
    {
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));
        var before = await _anonymous.SeatStatusesAsync(show);

        // B2 alone would leave B1 between the row's end and a taken seat.
        using (var response = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B2" } }))
        {
            var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("/problems/seat-gap", problem.GetProperty("type").GetString());
            Assert.Equal("B1", problem.GetProperty("strandedSeat").GetString());
            Assert.Equal(["B1"], problem.GetProperty("suggestedSeats").Read<string[]>());
            Assert.Contains("B1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await _anonymous.SeatStatusesAsync(show));

        // B2-B3 would leave B1 alone too; the suggestion is the same pair moved beside the row's end.
        using (var response = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B2", "B3" } }))
        {
            var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(["B1", "B2"], problem.GetProperty("suggestedSeats").Read<string[]>());
        }

        Assert.Equal(["B1", "B2"], Seats(await HoldAsync(shoppers[0], show, "B1", "B2")));
    }

    [Fact]
    public async Task A_block_too_full_to_avoid_a_stranded_seat_still_sells_its_last_seats()
    {
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));
        await HoldAsync(shoppers[0], show, "B1", "B2");

        // Of B3 and B4, either one alone strands the other: no selection of one seat avoids it, so B4 sells.
        await HoldAsync(shoppers[1], show, "B4");
        await HoldAsync(shoppers[2], show, "B3");
        var map = await _anonymous.SeatStatusesAsync(show);
        Assert.All(new[] { "B1", "B2", "B3", "B4" }, seat => Assert.Equal("HELD", map[seat]));
    }

    [Fact]
    public async Task The_gap_rule_is_the_theatres_own_setting()
    {
        // Off: any selection.
        var (off, shoppers) = await ShowAsync("OFF", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));
        await HoldAsync(shoppers[0], off, "B2");

        // Lenient: a seat beside the row's end may stay free, a seat between two taken seats may not.
        var (lenient, _) = await ShowAsync("LENIENT", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));
        await HoldAsync(shoppers[0], lenient, "B2");
        using (var response = await shoppers[1].PostJsonAsync($"/api/shows/{lenient}/holds", new { seatIds = new[] { "B4" } }))
        {
            Assert.Equal("B3", (await response.ReadProblemAsync(HttpStatusCode.Conflict)).GetProperty("strandedSeat").GetString());
        }

        // A theatre opened without a rule is strict; its owner changes the rule, and the theatre's shows follow it.
        var a = await fixture.ActorsAsync();
        using var opened = await a.Admin.PostJsonAsync("/api/theatres", new { cityId = await a.Catalog.CityAsync(), name = "Rule Theatre", address = "2 Rule Road, Pune", ownerId = a.OwnerId });
        var theatre = await opened.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("STRICT", theatre.GetProperty("gapRule").GetString());
        var theatreId = theatre.GetProperty("id").GetString()!;
        var strict = await a.Catalog.ShowAsync(await a.Catalog.CreateAsync($"/api/theatres/{theatreId}/screens",
            new { name = "Audi R", rows = CatalogBuilder.Layout(rows: 3, seatsPerRow: 8) }), startsAt: _app.Time.GetUtcNow().AddDays(2));
        using (var refused = await shoppers[2].PostJsonAsync($"/api/shows/{strict}/holds", new { seatIds = new[] { "B2" } }))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        using (var other = await a.OtherOwner.PutJsonAsync($"/api/theatres/{theatreId}", new { name = "Rule Theatre", address = "2 Rule Road, Pune", gapRule = "OFF" }))
        {
            await other.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var bad = await a.Owner.PutJsonAsync($"/api/theatres/{theatreId}", new { name = "Rule Theatre", address = "2 Rule Road, Pune", gapRule = "SOMETIMES" }))
        {
            Assert.True((await bad.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("gapRule", out _));
        }

        using (var changed = await a.Owner.PutJsonAsync($"/api/theatres/{theatreId}", new { name = "Rule Theatre", address = "2 Rule Road, Pune", gapRule = "OFF" }))
        {
            Assert.Equal("OFF", (await changed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("gapRule").GetString());
        }

        Assert.Equal("OFF", (await _anonymous.GetJsonAsync($"/api/theatres/{theatreId}")).GetProperty("gapRule").GetString());
        Assert.Equal("OFF", (await _anonymous.GetJsonAsync($"/api/shows/{strict}")).GetProperty("theatre").GetProperty("gapRule").GetString());
        await HoldAsync(shoppers[2], strict, "B2");

        // A name and address alone leave the rule as it is.
        using (var renamed = await a.Owner.PutJsonAsync($"/api/theatres/{theatreId}", new { name = "Rule Theatre 2", address = "2 Rule Road, Pune" }))
        {
            Assert.Equal("OFF", (await renamed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("gapRule").GetString());
        }
    }

    [Fact]
    public async Task Selections_racing_in_one_block_never_together_strand_a_seat()
    {
        // Blocks of seven: B1-B2 alone and B4-B5 alone each leave no seat alone, but together they strand B3.
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 8, seatsPerRow: 14));
        for (var row = 0; row < 8; row++)
        {
            var label = (char)('A' + row);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var left = Task.Run(async () =>
            {
                await start.Task;
                using var response = await shoppers[2 * row].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { $"{label}1", $"{label}2" } });
                return response.StatusCode;
            });
            var right = Task.Run(async () =>
            {
                await start.Task;
                using var response = await shoppers[(2 * row) + 1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { $"{label}4", $"{label}5" } });
                return response.StatusCode;
            });
            start.SetResult();

            var answers = await Task.WhenAll(left, right);
            Assert.Equal(1, answers.Count(status => status == HttpStatusCode.Created));
            Assert.Equal(1, answers.Count(status => status == HttpStatusCode.Conflict));
            var map = await _anonymous.SeatStatusesAsync(show);
            Assert.Equal("AVAILABLE", map[$"{label}3"]);
            Assert.False(map[$"{label}2"] == "HELD" && map[$"{label}4"] == "HELD", $"Row {label}: seat {label}3 was stranded.");
        }
    }

    [Fact]
    public async Task The_store_writes_no_hold_whose_guard_seat_was_taken_since_it_was_judged()
    {
        // What another instance's hold does between this one's reading and writing: B3, beside the selection, is taken.
        var (show, shoppers) = await ShowAsync("STRICT", CatalogBuilder.Layout(rows: 3, seatsPerRow: 8));
        await HoldAsync(shoppers[1], show, "B3", "B4");
        var user = (await shoppers[0].GetJsonAsync("/api/users/me")).GetProperty("id").GetGuid();
        var now = _app.Time.GetUtcNow();
        var hold = new Hold(Guid.CreateVersion7(), Guid.Parse(show), user, ["B1", "B2"], now.AddMinutes(5));

        await using var scope = _app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IHoldStore>();
        var outcome = await store.HoldAsync(new HoldRequest(hold, now, 10) { Guard = ["B3"] }, CancellationToken.None);
        Assert.IsType<HoldOutcome.MapChanged>(outcome);
        var taken = await store.TakenSeatsAsync(Guid.Parse(show), now, CancellationToken.None);
        Assert.Equal(["B3", "B4"], taken.Order());

        // With its guard free, the same hold is written.
        var granted = await store.HoldAsync(new HoldRequest(hold with { SeatIds = ["C1", "C2"] }, now, 10) { Guard = ["C3", "C4"] }, CancellationToken.None);
        Assert.IsType<HoldOutcome.Granted>(granted);
        Assert.Equal(["B3", "B4", "C1", "C2"], (await store.TakenSeatsAsync(Guid.Parse(show), now, CancellationToken.None)).Order());
    }

    [Fact]
    public async Task A_hundred_parties_racing_for_the_best_seats_get_disjoint_seats_until_the_show_is_full()
    {
        var (show, _) = await ShowAsync("STRICT", CatalogBuilder.AudiLayout(), recliners: true);
        var shoppers = await fixture.ShoppersAsync();
        // Party i is 1-4 people; each shopper's parties add up to at most 8 seats, within the per-user limit.
        var sizes = Enumerable.Range(0, 100).Select(i => 1 + ((i + (i / shoppers.Length)) % 4)).ToArray();

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = sizes.Length;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parties = sizes.Select((size, i) => Task.Run(async () =>
        {
            if (Interlocked.Decrement(ref waiting) == 0)
            {
                ready.SetResult();
            }

            await start.Task;
            using var response = await shoppers[i % shoppers.Length].PostJsonAsync($"/api/shows/{show}/holds", new { count = size });
            var body = await response.Content.ReadAsStringAsync();
            return (Size: size, response.StatusCode, Body: body);
        })).ToList();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        start.SetResult();
        var answers = await Task.WhenAll(parties);

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)a.StatusCode}: {a.Body}"));
        var granted = answers.Where(a => a.StatusCode == HttpStatusCode.Created)
            .Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("seatIds").Read<string[]>()).ToList();
        Assert.All(granted.Zip(answers.Where(a => a.StatusCode == HttpStatusCode.Created)), g => Assert.Equal(g.Second.Size, g.First.Length));
        var seats = granted.SelectMany(s => s).ToList();
        Assert.Equal(seats.Count, seats.Distinct().Count());

        // The map holds exactly the granted seats, and no refused party would fit in what is left.
        var map = await _anonymous.SeatStatusesAsync(show);
        Assert.Equal(seats.Order(), map.Where(kv => kv.Value == "HELD").Select(kv => kv.Key).Order());
        var layout = await _anonymous.GetJsonAsync($"/api/shows/{show}/seats");
        var plan = new SeatPlan(layout.GetProperty("rows").EnumerateArray().SelectMany((row, r) => row.GetProperty("seats").EnumerateArray().Select(seat =>
            new PlanSeat(seat.GetProperty("id").GetString()!, r, seat.GetProperty("number").GetInt32(), seat.GetProperty("column").GetInt32(),
                Enum.Parse<SeatCategory>(seat.GetProperty("category").GetString()!, ignoreCase: true),
                seat.GetProperty("status").GetString() switch { "AVAILABLE" => SeatAvailability.Free, "BLOCKED" => SeatAvailability.Blocked, _ => SeatAvailability.Taken }))));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Null(SeatPicker.Best(plan, refused.Size, null, GapRule.Strict, out _));
        }

        // Every seat went to a party, but for single seats the ladder could not avoid leaving.
        var free = map.Where(kv => kv.Value == "AVAILABLE").Select(kv => kv.Key).ToList();
        Assert.True(free.Count <= answers.Count(a => a.StatusCode == HttpStatusCode.Conflict), $"Free after the race: {string.Join(", ", free)}");
    }

    private async Task<(string Show, HttpClient[] Shoppers)> ShowAsync(string gapRule, object layout, object? focalPoint = null, bool recliners = false)
    {
        (string Category, long Amount)[] prices = [("CLASSIC", 15_000), ("PRIME", 25_000), .. recliners ? [("RECLINER", 40_000L)] : Array.Empty<(string, long)>()];
        var a = await fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId, gapRule: gapRule);
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = "Audi S", rows = layout, focalPoint });
        var show = await a.Catalog.CreateAsync("/api/shows", new
        {
            movieId = await a.Catalog.MovieAsync(),
            screenId = screen,
            startsAt = _app.Time.GetUtcNow().AddDays(2),
            language = "Hindi",
            format = "2D",
            prices = prices.Select(p => new { category = p.Category, amount = p.Amount }),
        });
        return (show, await fixture.ShoppersAsync());
    }

    private static async Task<JsonElement> HoldBestAsync(HttpClient client, string show, int count, string? category = null)
    {
        using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { count, category });
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static async Task<JsonElement> HoldAsync(HttpClient client, string show, params string[] seatIds)
    {
        using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds });
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static string[] Seats(JsonElement hold) => hold.GetProperty("seatIds").Read<string[]>();
}

public sealed class SqliteSeatSelectionApiTests(SqliteAppFixture fixture) : SeatSelectionApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresSeatSelectionApiTests(PostgresAppFixture fixture) : SeatSelectionApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisSeatSelectionApiTests(RedisAppFixture fixture) : SeatSelectionApiTests(fixture), IClassFixture<RedisAppFixture>;
