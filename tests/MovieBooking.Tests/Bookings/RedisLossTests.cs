using System.Net;
using MovieBooking.Tests.Infrastructure;
using StackExchange.Redis;

namespace MovieBooking.Tests.Bookings;

/// <summary>The database settles sales even when Redis loses every key.</summary>
public abstract class RedisLossTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly string _redis = fixture.Settings["Redis:Configuration"]!;

    [Fact]
    public async Task Redis_flushed_between_hold_and_sale_still_sells_a_seat_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var first = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "B2"))).GetProperty("id").GetString()!;

        await FlushAsync();
        var second = (await BookAsync(shoppers[1], await HoldAsync(shoppers[1], show, "B2"))).GetProperty("id").GetString()!;

        var results = new[] { await ConfirmAsync(first), await ConfirmAsync(second) };
        Assert.Equal(1, results.Count(sold => sold));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["B2"]);
        var statuses = new[]
        {
            (await shoppers[0].GetJsonAsync($"/api/bookings/{first}")).GetProperty("status").GetString(),
            (await shoppers[1].GetJsonAsync($"/api/bookings/{second}")).GetProperty("status").GetString(),
        };
        Assert.Equal(1, statuses.Count(s => s == "CONFIRMED"));
        Assert.Equal(1, statuses.Count(s => s == "PENDING_PAYMENT"));

        // Whoever lost gets a clear 409 when trying the seat again.
        var loser = results[0] ? shoppers[1] : shoppers[0];
        using var retry = await loser.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B2" } });
        var problem = await retry.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["B2"], problem.GetProperty("unavailableSeats").Read<string[]>());
    }

    [Fact]
    public async Task A_sold_seat_stays_sold_after_redis_forgets_it()
    {
        var (show, shoppers) = await FreshShowAsync();
        var booking = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "C2"))).GetProperty("id").GetString()!;
        Assert.True(await ConfirmAsync(booking));

        await FlushAsync();
        using var response = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "C1", "C2" } });
        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["C2"], problem.GetProperty("unavailableSeats").Read<string[]>());
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C1"]);
    }

    [Fact]
    public async Task A_cancellation_retried_after_its_report_to_redis_was_lost_puts_the_seats_back_on_sale()
    {
        var (show, shoppers) = await FreshShowAsync();
        var booking = (await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "A4"))).GetProperty("id").GetString()!;
        using (var start = await shoppers[0].PostAsync(new Uri($"/api/bookings/{booking}/payments", UriKind.Relative), null))
        {
            var orderId = (await start.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString();
            using var anonymous = _app.CreateClient();
            using var pay = await anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome = "success" });
            await pay.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{booking}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        // As if the cancellation failed after its commit, before Redis heard the seat was free: Redis still says sold.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis))
        {
            await redis.GetDatabase().SetAddAsync($"{{show:{show}}}:sold", "A4");
        }

        using (var refused = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A4" } }))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        using (var retried = await shoppers[0].PostAsync(new Uri($"/api/bookings/{booking}/cancel", UriKind.Relative), null))
        {
            Assert.Equal("REFUNDED", (await retried.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await HoldAsync(shoppers[1], show, "A4");
    }

    [Fact]
    public async Task A_users_list_of_holds_follows_what_redis_holds_after_it_lost_every_key()
    {
        var (show, shoppers) = await FreshShowAsync();
        await HoldAsync(shoppers[3], show, "C1");
        Assert.Single((await shoppers[3].GetJsonAsync("/api/holds")).EnumerateArray());

        // Redis forgets the hold and its place in the user's list: the list answers what is held now, not a 500.
        await FlushAsync();
        Assert.Empty((await shoppers[3].GetJsonAsync("/api/holds")).EnumerateArray());
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C1"]);

        // New holds are listed again, and the list agrees with the seat map.
        var again = await HoldAsync(shoppers[3], show, "C3", "C4");
        var listed = Assert.Single((await shoppers[3].GetJsonAsync("/api/holds")).EnumerateArray());
        Assert.Equal(again.GetProperty("holdId").GetString(), listed.GetProperty("holdId").GetString());
        var map = await SeatMapAsync(show);
        Assert.All(listed.GetProperty("seatIds").Read<string[]>(), seat => Assert.Equal("HELD", map[seat]));
        Assert.Equal(2, map.Values.Count(status => status == "HELD"));
    }

    /// <summary>Every master forgets every key, as after a restart without persistence.</summary>
    private async Task FlushAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{_redis},allowAdmin=true");
        var masters = redis.GetServers().Where(server => server.IsConnected && !server.IsReplica).ToList();
        Assert.NotEmpty(masters);
        await Task.WhenAll(masters.Select(server => server.FlushAllDatabasesAsync()));
    }
}

public sealed class RedisServerLossTests(RedisAppFixture fixture) : RedisLossTests(fixture), IClassFixture<RedisAppFixture>;

public sealed class RedisClusterLossTests(RedisClusterAppFixture fixture) : RedisLossTests(fixture), IClassFixture<RedisClusterAppFixture>;
