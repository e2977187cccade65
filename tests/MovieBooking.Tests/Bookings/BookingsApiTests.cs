using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Bookings;

/// <summary>Helpers for tests that book and sell seats.</summary>
public abstract class BookingsApiTestsBase(AppFixture fixture) : HoldsApiTestsBase(fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    protected async Task<bool> ConfirmAsync(string bookingId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BookingService>().ConfirmAsync(Guid.Parse(bookingId), CancellationToken.None);
    }

    protected static async Task<JsonElement> BookAsync(HttpClient client, JsonElement hold)
    {
        using var response = await client.PostJsonAsync("/api/bookings", new { holdId = hold.GetProperty("holdId").GetString() });
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    protected static async Task<(JsonElement Booking, JsonElement Payment)> PendingPaymentAsync(HttpClient shopper, string show, params string[] seats)
    {
        var booking = await BookAsync(shopper, await HoldAsync(shopper, show, seats));
        using var response = await shopper.PostAsync(new Uri($"/api/bookings/{booking.GetProperty("id").GetString()}/payments", UriKind.Relative), null);
        return (booking, await response.ReadJsonAsync(HttpStatusCode.Created));
    }

    protected async Task<string> PaidTicketAsync(HttpClient shopper, string show, params string[] seats)
    {
        var (booking, payment) = await PendingPaymentAsync(shopper, show, seats);
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        return (await shopper.GetJsonAsync($"/api/bookings/{booking.GetProperty("id").GetString()}/ticket")).GetProperty("qr").GetString()!;
    }

    /// <summary>Pays (or declines) a sandbox order as its checkout page would.</summary>
    protected async Task<JsonElement> PayAsync(string orderId, string outcome)
    {
        using var response = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome });
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }
}

/// <summary>Bookings made from holds: price, ownership, lifecycle, expiry and the sale itself, on every store.</summary>
public abstract class BookingsApiTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task A_hold_becomes_a_priced_booking_awaiting_payment()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "A1", "C1");
        var booking = await BookAsync(shoppers[0], hold);

        Assert.Equal("PENDING_PAYMENT", booking.GetProperty("status").GetString());
        Assert.Equal(show, booking.GetProperty("showId").GetString());
        Assert.Equal(["A1", "C1"], booking.GetProperty("seats").Read<string[]>());
        Assert.Equal(hold.GetProperty("expiresAt").GetDateTimeOffset(), booking.GetProperty("expiresAt").GetDateTimeOffset());

        // CLASSIC 150.00 + PRIME 250.00; fee 2 × 20.00 + 1.5 % of 400.00 = 46.00; GST 18 % of the fee = 8.28.
        var price = booking.GetProperty("price");
        Assert.Equal("INR", price.GetProperty("currency").GetString());
        Assert.Equal(40_000, price.GetProperty("seats").GetInt64());
        Assert.Equal(4_600, price.GetProperty("convenienceFee").GetInt64());
        Assert.Equal(828, price.GetProperty("tax").GetInt64());
        Assert.Equal(45_428, price.GetProperty("total").GetInt64());
        Assert.Equal(0, price.GetProperty("discount").GetInt64());
        Assert.Equal(0, price.GetProperty("food").GetInt64());

        // Itemised as the tax invoice will be: GST included at 18 % in each ticket above ₹100, added to the fee.
        var lines = price.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["TICKET", "TICKET", "CONVENIENCE_FEE"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal("Seat A1 (CLASSIC)", lines[0].GetProperty("description").GetString());
        Assert.Equal((15_000L, 18m, 12_712L, 2_288L), (lines[0].GetProperty("amount").GetInt64(), lines[0].GetProperty("taxRate").GetDecimal(),
            lines[0].GetProperty("taxableValue").GetInt64(), lines[0].GetProperty("tax").GetInt64()));
        Assert.Equal((4_600L, 828L, 5_428L), (lines[2].GetProperty("taxableValue").GetInt64(), lines[2].GetProperty("tax").GetInt64(),
            lines[2].GetProperty("amount").GetInt64()));
        Assert.Equal(45_428, lines.Sum(l => l.GetProperty("amount").GetInt64()));
        Assert.Equal(2_288 + (25_000 - 21_186), price.GetProperty("taxIncluded").GetInt64());

        var id = booking.GetProperty("id").GetString();
        Assert.Equal(id, (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("id").GetString());
        await shoppers[1].GetProblemAsync($"/api/bookings/{id}", HttpStatusCode.NotFound);
        var mine = await shoppers[0].GetJsonAsync("/api/bookings?pageSize=100");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), b => b.GetProperty("id").GetString() == id);
        var theirs = await shoppers[1].GetJsonAsync("/api/bookings?pageSize=100");
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), b => b.GetProperty("id").GetString() == id);
        Assert.Equal("HELD", (await SeatMapAsync(show))["A1"]);
    }

    [Fact]
    public async Task A_hold_makes_one_booking_and_only_for_its_owner()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "B1");
        var holdId = hold.GetProperty("holdId").GetString();

        using (var stranger = await shoppers[1].PostJsonAsync("/api/bookings", new { holdId }))
        {
            await stranger.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        await BookAsync(shoppers[0], hold);
        using (var second = await shoppers[0].PostJsonAsync("/api/bookings", new { holdId }))
        {
            await second.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        using (var release = await shoppers[0].DeleteAsync(new Uri($"/api/holds/{holdId}", UriKind.Relative)))
        {
            await release.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        using var unknown = await shoppers[0].PostJsonAsync("/api/bookings", new { holdId = Guid.CreateVersion7() });
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        using var missing = await shoppers[0].PostJsonAsync("/api/bookings", new { });
        await missing.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Racing_requests_turn_a_hold_into_exactly_one_booking()
    {
        var (show, shoppers) = await FreshShowAsync();
        var holdId = (await HoldAsync(shoppers[0], show, "B5")).GetProperty("holdId").GetString();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            using var response = await shoppers[0].PostJsonAsync("/api/bookings", new { holdId });
            return response.StatusCode;
        })).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task A_lapsed_hold_cannot_be_booked()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "B6");
        _app.Time.Advance(TimeSpan.FromMinutes(5));

        using var response = await shoppers[0].PostJsonAsync("/api/bookings", new { holdId = hold.GetProperty("holdId").GetString() });
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Conflict });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cancelling_an_unpaid_booking_frees_its_seats_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var id = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "C3", "C4"))).GetProperty("id").GetString();

        using (var stranger = await shoppers[1].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            await stranger.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            Assert.Equal("CANCELLED", (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C3"]);
        await HoldAsync(shoppers[1], show, "C3", "C4");

        // Cancelling again (a retry whose first answer was lost) answers the same, and frees nothing twice: the seats
        // someone else holds now stay theirs.
        using var again = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null);
        Assert.Equal("CANCELLED", (await again.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        var map = await SeatMapAsync(show);
        Assert.Equal("HELD", map["C3"]);
        Assert.Equal("HELD", map["C4"]);
    }

    [Fact]
    public async Task The_list_shows_each_bookings_show_filters_by_status_and_sorts_by_show_time()
    {
        var actors = await _fixture.ActorsAsync();
        var shopper = (await Shoppers.CreateAsync(_app, 1))[0];
        var theatre = await actors.Catalog.TheatreAsync(actors.OwnerId);
        var start = _app.Time.GetUtcNow();
        var later = await actors.Catalog.ShowAsync(await actors.Catalog.ScreenAsync(theatre), startsAt: start.AddDays(4));
        var sooner = await actors.Catalog.ShowAsync(await actors.Catalog.ScreenAsync(theatre), startsAt: start.AddDays(3));
        var first = (await BookAsync(shopper, await HoldAsync(shopper, later, "A1"))).GetProperty("id").GetString()!;
        var second = (await BookAsync(shopper, await HoldAsync(shopper, sooner, "A1"))).GetProperty("id").GetString()!;
        using (var cancel = await shopper.PostAsync(new Uri($"/api/bookings/{first}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        async Task<string[]> IdsAsync(string query) =>
            [.. (await shopper.GetJsonAsync($"/api/bookings{query}")).GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()!)];

        Assert.Equal([second, first], await IdsAsync(""));
        Assert.Equal([second, first], await IdsAsync("?sort=showTime"));
        Assert.Equal([first, second], await IdsAsync("?sort=-showTime"));
        Assert.Equal([first], await IdsAsync("?status=CANCELLED"));
        Assert.Equal([second], await IdsAsync("?status=pending_payment"));
        Assert.Empty(await IdsAsync("?status=REFUNDED"));

        // Each booking names its film, theatre and start, in the city's time like the show itself.
        var listed = (await shopper.GetJsonAsync("/api/bookings?sort=showTime")).GetProperty("items")[0].GetProperty("show");
        var show = await _fixture.Client.GetJsonAsync($"/api/shows/{sooner}");
        Assert.Equal(sooner, listed.GetProperty("id").GetString());
        Assert.Equal(show.GetProperty("movie").GetProperty("title").GetString(), listed.GetProperty("movie").GetString());
        Assert.Equal(show.GetProperty("theatre").GetProperty("name").GetString(), listed.GetProperty("theatre").GetString());
        Assert.Equal(show.GetProperty("startsAt").GetString(), listed.GetProperty("startsAt").GetString());

        foreach (var (query, field) in new[] { ("?status=BOGUS", "status"), ("?sort=price", "sort") })
        {
            var problem = await shopper.GetProblemAsync($"/api/bookings{query}", HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
    }

    [Fact]
    public async Task The_sweeper_expires_unpaid_bookings_and_frees_their_seats()
    {
        var (show, shoppers) = await FreshShowAsync();
        var id = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "A3"))).GetProperty("id").GetString();
        Assert.Equal(0, await SweepAsync());

        // Moving the clock fires the background sweeper; an explicit sweep finds whatever it has not done yet.
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        await SweepAsync();
        Assert.Equal("EXPIRED", (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["A3"]);
        await HoldAsync(shoppers[1], show, "A3");
    }

    [Fact]
    public async Task A_confirmed_booking_sells_its_seats_for_good()
    {
        var (show, shoppers) = await FreshShowAsync();
        var id = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "A4"))).GetProperty("id").GetString()!;

        Assert.True(await ConfirmAsync(id));
        Assert.False(await ConfirmAsync(id));
        Assert.Equal("CONFIRMED", (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A4"]);

        _app.Time.Advance(TimeSpan.FromMinutes(10));
        await SweepAsync();
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A4"]);
        using var late = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A4" } });
        await late.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_sweeper_and_a_confirmation_racing_have_exactly_one_winner()
    {
        var (show, shoppers) = await FreshShowAsync();
        string[] seats = ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2"];
        var ids = new List<Guid>();
        for (var i = 0; i < seats.Length; i++)
        {
            ids.Add(Guid.Parse((await BookAsync(shoppers[i], await HoldAsync(shoppers[i], show, seats[i]))).GetProperty("id").GetString()!));
        }

        _app.Time.Advance(TimeSpan.FromMinutes(5));
        foreach (var id in ids)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var confirm = Task.Run(async () => { await start.Task; return await ConfirmAsync(id.ToString()); });
            var expire = Task.Run(async () =>
            {
                await start.Task;
                await using var scope = _app.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<BookingService>().ExpireAsync(id, CancellationToken.None);
            });
            start.SetResult();
            var (confirmed, expired) = (await confirm, await expire);

            // The background sweeper may join the race too; whoever wins, exactly one outcome sticks.
            var status = await _app.WithDbAsync(db => Task.FromResult(db.Bookings.Single(b => b.Id == id).Status));
            Assert.False(confirmed && expired);
            Assert.Equal(confirmed ? BookingStatus.Confirmed : BookingStatus.Expired, status);
            var seat = (await SeatMapAsync(show))[seats[ids.IndexOf(id)]];
            Assert.Equal(confirmed ? "BOOKED" : "AVAILABLE", seat);
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_booking()
    {
        var (show, shoppers) = await FreshShowAsync();
        var holdId = (await HoldAsync(shoppers[0], show, "C6")).GetProperty("holdId").GetString();
        var key = Guid.NewGuid().ToString();
        using var first = await PostWithKeyAsync(shoppers[0], key, new { holdId });
        using var second = await PostWithKeyAsync(shoppers[0], key, new { holdId });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var list = await shoppers[0].GetJsonAsync("/api/bookings?pageSize=100");
        Assert.Single(list.GetProperty("items").EnumerateArray(), b => b.GetProperty("holdId").GetString() == holdId);
    }

    private Task<int> SweepAsync() => _app.Services.GetRequiredService<BookingExpiryService>().SweepAsync(CancellationToken.None);

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/bookings", UriKind.Relative))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}

public sealed class SqliteBookingsApiTests(SqliteAppFixture fixture) : BookingsApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresBookingsApiTests(PostgresAppFixture fixture) : BookingsApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisBookingsApiTests(RedisAppFixture fixture) : BookingsApiTests(fixture), IClassFixture<RedisAppFixture>;

public sealed class RedisClusterBookingsApiTests(RedisClusterAppFixture fixture) : BookingsApiTests(fixture), IClassFixture<RedisClusterAppFixture>;
