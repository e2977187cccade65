using System.Net;
using System.Text;
using System.Text.Json;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Bookings;

/// <summary>Helpers for tests over a fresh show: holding seats and reading the seat map.</summary>
public abstract class HoldsApiTestsBase(AppFixture fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    protected async Task<(string Show, HttpClient[] Shoppers)> FreshShowAsync()
    {
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        return (await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddDays(3)), shoppers);
    }

    /// <summary>Fresh shows until one fits, say one whose Redis Cluster slot another master serves.</summary>
    protected async Task<string> FreshShowWhereAsync(Func<string, Task<bool>> fits)
    {
        while (true)
        {
            var (show, _) = await FreshShowAsync();
            if (await fits(show))
            {
                return show;
            }
        }
    }

    protected static async Task<JsonElement> HoldAsync(HttpClient client, string show, params string[] seatIds)
    {
        using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds });
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    protected Task<Dictionary<string, string>> SeatMapAsync(string show) => _anonymous.SeatStatusesAsync(show);
}

/// <summary>Seat holds over HTTP: all or nothing, validation, ownership, expiry and races, on every store.</summary>
public abstract class HoldsApiTests(AppFixture fixture) : HoldsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    [Fact]
    public async Task A_hold_is_granted_and_shows_on_the_seat_map_at_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "A1", "A2");

        Assert.Equal(show, hold.GetProperty("showId").GetString());
        Assert.Equal(["A1", "A2"], hold.GetProperty("seatIds").Read<string[]>());
        Assert.Equal(_app.Time.GetUtcNow().AddMinutes(5), hold.GetProperty("expiresAt").GetDateTimeOffset());
        var map = await SeatMapAsync(show);
        Assert.Equal("HELD", map["A1"]);
        Assert.Equal("HELD", map["A2"]);
        Assert.Equal("AVAILABLE", map["A3"]);

        var holdId = hold.GetProperty("holdId").GetString();
        Assert.Equal(holdId, (await shoppers[0].GetJsonAsync($"/api/holds/{holdId}")).GetProperty("holdId").GetString());
        await shoppers[1].GetProblemAsync($"/api/holds/{holdId}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_hold_is_all_or_nothing_and_409_names_the_taken_seats()
    {
        var (show, shoppers) = await FreshShowAsync();
        await HoldAsync(shoppers[0], show, "B2");

        using var response = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B1", "B2", "B3" } });
        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["B2"], problem.GetProperty("unavailableSeats").Read<string[]>());
        var map = await SeatMapAsync(show);
        Assert.Equal("AVAILABLE", map["B1"]);
        Assert.Equal("AVAILABLE", map["B3"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"seatIds":[]}""")]
    [InlineData("""{"seatIds":["A1","A2","A3","A4","A5","A6","B1","B2","B3","B4","B5"]}""")]
    [InlineData("""{"seatIds":["Z9"]}""")]
    [InlineData("""{"seatIds":["A1","A1"]}""")]
    [InlineData("""{"seatIds":["a1"]}""")]
    [InlineData("""{"seatIds":[null]}""")]
    [InlineData("""{"seatIds":"A1"}""")]
    [InlineData("""{"seatIds":[1,2]}""")]
    [InlineData("""{"seatIds":["A1" """)]
    public async Task Bad_input_is_a_400_problem_and_changes_nothing(string body)
    {
        var (show, shoppers) = await FreshShowAsync();
        var before = await SeatMapAsync(show);

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await shoppers[0].PostAsync(new Uri($"/api/shows/{show}/holds", UriKind.Relative), content);
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await SeatMapAsync(show));
    }

    [Fact]
    public async Task Blocked_seats_are_never_held()
    {
        var a = await _fixture.ActorsAsync();
        var shoppers = await _fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        using var created = await a.Admin.PostJsonAsync($"/api/theatres/{theatre}/screens", new
        {
            name = "Blocked",
            rows = new[] { new { label = "A", seats = new object[] { new { number = 1, column = 0, category = "CLASSIC", blocked = true }, new { number = 2, column = 1, category = "CLASSIC", blocked = false } } } },
        });
        var screen = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var showResponse = await a.Admin.PostJsonAsync("/api/shows", new
        {
            movieId = await a.Catalog.MovieAsync(),
            screenId = screen,
            startsAt = _app.Time.GetUtcNow().AddDays(1),
            language = "Hindi",
            format = "2D",
            prices = new[] { new { category = "CLASSIC", amount = 10_000 } },
        });
        var show = (await showResponse.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        using var response = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Holding_needs_a_signed_in_user_and_a_bookable_show()
    {
        var (show, shoppers) = await FreshShowAsync();
        using (var anonymous = await _anonymous.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } }))
        {
            await anonymous.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var unknown = await shoppers[0].PostJsonAsync($"/api/shows/{Guid.CreateVersion7()}/holds", new { seatIds = new[] { "A1" } }))
        {
            await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        var a = await _fixture.ActorsAsync();
        using (var cancel = await a.Admin.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null))
        {
            cancel.EnsureSuccessStatusCode();
        }

        using var cancelled = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
        await cancelled.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_show_that_has_started_cannot_be_held()
    {
        var a = await _fixture.ActorsAsync();
        var shoppers = await _fixture.ShoppersAsync();
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var show = await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddMinutes(30));
        _app.Time.Advance(TimeSpan.FromMinutes(31));

        using var response = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_owner_releases_a_hold_and_a_stranger_cannot()
    {
        var (show, shoppers) = await FreshShowAsync();
        var holdId = (await HoldAsync(shoppers[0], show, "C1", "C2")).GetProperty("holdId").GetString();

        using (var stranger = await shoppers[1].DeleteAsync(new Uri($"/api/holds/{holdId}", UriKind.Relative)))
        {
            await stranger.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal("HELD", (await SeatMapAsync(show))["C1"]);
        using (var owner = await shoppers[0].DeleteAsync(new Uri($"/api/holds/{holdId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, owner.StatusCode);
        }

        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C1"]);
        await HoldAsync(shoppers[1], show, "C1", "C2");
        await shoppers[0].GetProblemAsync($"/api/holds/{holdId}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_lapsed_hold_frees_its_seats_without_any_job()
    {
        var (show, shoppers) = await FreshShowAsync();
        var holdId = (await HoldAsync(shoppers[0], show, "A5")).GetProperty("holdId").GetString();
        using (var early = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A5" } }))
        {
            await early.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        _app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["A5"]);
        await shoppers[0].GetProblemAsync($"/api/holds/{holdId}", HttpStatusCode.NotFound);
        await HoldAsync(shoppers[1], show, "A5");
        Assert.Equal("HELD", (await SeatMapAsync(show))["A5"]);
    }

    [Fact]
    public async Task A_user_holds_at_most_ten_seats_of_a_show()
    {
        var (show, shoppers) = await FreshShowAsync();
        await HoldAsync(shoppers[0], show, "A1", "A2", "A3", "A4", "A5", "A6");
        using var tooMany = await shoppers[0].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B1", "B2", "B3", "B4", "B5" } });
        await tooMany.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["B1"]);

        await HoldAsync(shoppers[0], show, "B1", "B2", "B3", "B4");
    }

    [Fact]
    public async Task Racing_clients_on_the_same_seats_get_exactly_one_hold()
    {
        var (show, shoppers) = await FreshShowAsync();
        var statuses = await RaceAsync(shoppers, _ => new[] { "B3", "B4" }, show);

        var answers = string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{(int)g.Key} × {g.Count()}"));
        Assert.True(statuses.Count(s => s.Status == HttpStatusCode.Created) == 1, $"Expected exactly one 201; got {answers}.");
        Assert.All(statuses.Where(s => s.Status != HttpStatusCode.Created), s =>
        {
            Assert.Equal(HttpStatusCode.Conflict, s.Status);
            Assert.Equal("application/problem+json", s.MediaType);
        });
        var map = await SeatMapAsync(show);
        Assert.Equal("HELD", map["B3"]);
        Assert.Equal("HELD", map["B4"]);
    }

    [Fact]
    public async Task A_release_racing_holds_on_its_seats_is_answered_and_hands_them_to_one_holder()
    {
        var (show, shoppers) = await FreshShowAsync();
        var owner = shoppers[0];
        // Six rounds of three seats cover the show's 3 × 6 seats.
        for (var round = 0; round < 6; round++)
        {
            string[] seats = [.. Enumerable.Range(1, 3).Select(n => $"{(char)('A' + round / 2)}{round % 2 * 3 + n}")];
            var hold = await HoldAsync(owner, show, seats);

            // The owner lets go while twenty others reach for the same seats, named in every order.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = Task.Run(async () =>
            {
                await start.Task;
                using var response = await owner.DeleteAsync(new Uri($"/api/holds/{hold.GetProperty("holdId").GetString()}", UriKind.Relative));
                return response.StatusCode;
            });
            var attempts = shoppers.Skip(1).Take(20).Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                var wanted = i % 2 == 0 ? seats : seats.Reverse().ToArray();
                using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = wanted });
                return response.StatusCode;
            })).ToList();
            start.SetResult();

            Assert.Equal(HttpStatusCode.NoContent, await release);
            var answers = await Task.WhenAll(attempts);
            Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
            var granted = answers.Count(status => status == HttpStatusCode.Created);
            Assert.InRange(granted, 0, 1);
            var map = await SeatMapAsync(show);
            Assert.All(seats, seat => Assert.Equal(granted == 1 ? "HELD" : "AVAILABLE", map[seat]));
        }
    }

    [Fact]
    public async Task Racing_clients_on_overlapping_seats_never_share_a_seat()
    {
        var (show, shoppers) = await FreshShowAsync();
        string[] seats = ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4", "B5", "B6"];
        var statuses = await RaceAsync(shoppers, i => new[] { seats[i % seats.Length], seats[(i + 1) % seats.Length] }, show);

        Assert.All(statuses, s => Assert.Contains(s.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var granted = statuses.Where(s => s.Status == HttpStatusCode.Created).SelectMany(s => s.Seats).ToList();
        Assert.NotEmpty(granted);
        Assert.Equal(granted.Count, granted.Distinct().Count());
        var map = await SeatMapAsync(show);
        Assert.Equal(granted.Order(), map.Where(kv => kv.Value == "HELD").Select(kv => kv.Key).Order());
    }

    [Fact]
    public async Task Racing_clients_on_distinct_seats_all_succeed()
    {
        var (show, shoppers) = await FreshShowAsync();
        var seats = new[] { "A", "B", "C" }.SelectMany(row => Enumerable.Range(1, 6).Select(n => $"{row}{n}")).ToArray();
        var statuses = await RaceAsync(shoppers.Take(seats.Length).ToArray(), i => new[] { seats[i] }, show);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s.Status));
        Assert.All((await SeatMapAsync(show)).Values, status => Assert.Equal("HELD", status));
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_hold()
    {
        var (show, shoppers) = await FreshShowAsync();
        var key = Guid.NewGuid().ToString();
        var first = await SendWithKeyAsync(shoppers[0], show, key, "C5");
        var second = await SendWithKeyAsync(shoppers[0], show, key, "C5");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Location, second.Location);

        var otherBody = await SendWithKeyAsync(shoppers[0], show, key, "C6");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.Status);

        // Another user's identical key is theirs alone: C5 is taken, so they get their own 409.
        var otherUser = await SendWithKeyAsync(shoppers[1], show, key, "C5");
        Assert.Equal(HttpStatusCode.Conflict, otherUser.Status);

        // Error answers are not stored: once C5 is free, the same key succeeds.
        using (var release = await shoppers[0].DeleteAsync(new Uri(first.Location!, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await SendWithKeyAsync(shoppers[1], show, key, "C5")).Status);
    }

    /// <summary>Releases every client at one barrier, each asking for its seats; returns each answer.</summary>
    private static async Task<List<(HttpStatusCode Status, string? MediaType, string[] Seats)>> RaceAsync(
        HttpClient[] clients, Func<int, string[]> seatsOf, string show)
    {
        // Every client is ready at the barrier before any is let go; waiting never blocks a pool thread.
        var waiting = clients.Length;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = clients.Select((client, i) => Task.Run(async () =>
        {
            var seats = seatsOf(i);
            if (Interlocked.Decrement(ref waiting) == 0)
            {
                ready.SetResult();
            }

            await start.Task;
            using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = seats });
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, seats);
        })).ToList();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        start.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Location)> SendWithKeyAsync(HttpClient client, string show, string key, string seat)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/shows/{show}/holds", UriKind.Relative))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { seatIds = new[] { seat } }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_user_lists_their_live_holds_and_nobody_elses()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (other, _) = await FreshShowAsync();
        var first = await HoldAsync(shoppers[5], show, "A1", "A2");
        var second = await HoldAsync(shoppers[5], other, "B3");
        await HoldAsync(shoppers[6], show, "C1");

        // Shoppers are shared with other tests: only the holds of this test's shows count.
        var mine = await OfTheseShowsAsync(shoppers[5]);
        Assert.Equal(
            new[] { first.GetProperty("holdId").GetString(), second.GetProperty("holdId").GetString() }.Order(StringComparer.Ordinal),
            mine.Select(h => h.GetProperty("holdId").GetString()).Order(StringComparer.Ordinal));
        var listed = mine.Single(h => h.GetProperty("holdId").GetString() == first.GetProperty("holdId").GetString());
        Assert.Equal(["A1", "A2"], listed.GetProperty("seatIds").Read<string[]>());
        Assert.Equal(first.GetProperty("expiresAt").GetString(), listed.GetProperty("expiresAt").GetString());
        Assert.Equal(TimeSpan.FromHours(5.5), listed.GetProperty("expiresAt").GetDateTimeOffset().Offset);

        // Released or booked holds are no longer listed, and lapsed ones neither.
        using (var released = await shoppers[5].DeleteAsync(new Uri($"/api/holds/{second.GetProperty("holdId").GetString()}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        }

        using (var booked = await shoppers[5].PostJsonAsync("/api/bookings", new { holdId = first.GetProperty("holdId").GetString() }))
        {
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        }

        Assert.Empty(await OfTheseShowsAsync(shoppers[5]));
        Assert.Single(await OfTheseShowsAsync(shoppers[6]));
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await OfTheseShowsAsync(shoppers[6]));

        async Task<List<System.Text.Json.JsonElement>> OfTheseShowsAsync(HttpClient shopper) =>
            [.. (await shopper.GetJsonAsync("/api/holds")).EnumerateArray().Where(h => h.GetProperty("showId").GetString() is { } id && (id == show || id == other))];
    }

    [Fact]
    public async Task Owners_see_their_shows_of_a_day_with_occupancy_and_nobody_elses()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var startsAt = (await _anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();
        var day = $"{startsAt:yyyy-MM-dd}";
        await HoldAsync(shoppers[7], show, "B1", "B2");

        var listed = (await actors.Owner.GetJsonAsync($"/api/staff/shows?date={day}")).EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == show);
        Assert.Equal(startsAt, listed.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(5.5), listed.GetProperty("startsAt").GetDateTimeOffset().Offset);
        var seats = listed.GetProperty("seats");
        Assert.Equal(2, seats.GetProperty("HELD").GetInt32());
        Assert.Equal(16, seats.GetProperty("AVAILABLE").GetInt32());
        Assert.Contains((await actors.Admin.GetJsonAsync($"/api/staff/shows?date={day}")).EnumerateArray(), s => s.GetProperty("id").GetString() == show);

        Assert.DoesNotContain((await actors.OtherOwner.GetJsonAsync($"/api/staff/shows?date={day}")).EnumerateArray(), s => s.GetProperty("id").GetString() == show);
        Assert.DoesNotContain((await actors.Owner.GetJsonAsync($"/api/staff/shows?date={startsAt.AddDays(1):yyyy-MM-dd}")).EnumerateArray(), s => s.GetProperty("id").GetString() == show);
        await actors.User.GetProblemAsync($"/api/staff/shows?date={day}", HttpStatusCode.Forbidden);
        await _anonymous.GetProblemAsync($"/api/staff/shows?date={day}", HttpStatusCode.Unauthorized);
        await actors.Owner.GetProblemAsync("/api/staff/shows?date=tomorrow", HttpStatusCode.BadRequest);
    }
}

public sealed class SqliteHoldsApiTests(SqliteAppFixture fixture) : HoldsApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresHoldsApiTests(PostgresAppFixture fixture) : HoldsApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisHoldsApiTests(RedisAppFixture fixture) : HoldsApiTests(fixture), IClassFixture<RedisAppFixture>;

public sealed class RedisClusterHoldsApiTests(RedisClusterAppFixture fixture) : HoldsApiTests(fixture), IClassFixture<RedisClusterAppFixture>;
