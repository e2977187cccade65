using System.Net;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Payments;

/// <summary>Theatres' own cancellation policies: tiers by time left, food refunded in full, the tier kept with the refund.</summary>
public abstract class CancellationPolicyTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task A_theatres_own_policy_sets_the_fee_and_food_is_refunded_in_full()
    {
        var a = await _fixture.ActorsAsync();
        var shoppers = await _fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var show = await a.Catalog.ShowAsync(await a.Catalog.ScreenAsync(theatre), startsAt: _app.Time.GetUtcNow().AddDays(3));
        using (var set = await a.Owner.PutJsonAsync($"/api/theatres/{theatre}/cancellation-policy", new
        {
            tiers = new object[] { new { before = "1.00:00:00", feePercent = 10 }, new { before = "00:00:00", feePercent = 80 } },
        }))
        {
            var policy = await set.ReadJsonAsync(HttpStatusCode.OK);
            Assert.True(policy.GetProperty("own").GetBoolean());
            Assert.Equal("1 day or more before the show: 10 % cancellation fee", policy.GetProperty("tiers")[0].GetProperty("description").GetString());
        }

        using var menu = await a.Owner.PostJsonAsync($"/api/theatres/{theatre}/menu", new { name = "Popcorn", kind = "ITEM", price = 20_000, veg = true });
        var popcorn = (await menu.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var booking = await BookAsync(shoppers[7], await HoldAsync(shoppers[7], show, "B2", "B3"));
        var id = booking.GetProperty("id").GetString();
        using (var food = await shoppers[7].PutJsonAsync($"/api/bookings/{id}/food", new { items = new[] { new { itemId = popcorn, quantity = 2 } } }))
        {
            await food.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var started = await shoppers[7].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            await PayAsync((await started.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString()!, "success");
        }

        // Tickets ₹300 less 10 %, and the ₹400 of popcorn in full.
        var quote = await shoppers[7].GetJsonAsync($"/api/bookings/{id}/cancellation");
        Assert.Equal((27_000L + 40_000L, 3_000L), (quote.GetProperty("refund").GetInt64(), quote.GetProperty("fee").GetInt64()));
        using (var cancel = await shoppers[7].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            var refund = (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("refund");
            Assert.Equal(67_000, refund.GetProperty("amount").GetInt64());
            Assert.Equal("1.00:00:00", refund.GetProperty("tier").GetProperty("before").GetString());
            Assert.Contains("10 % cancellation fee", refund.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        // Back to the default: PVR's tiers.
        using (var reset = await a.Owner.DeleteAsync(new Uri($"/api/theatres/{theatre}/cancellation-policy", UriKind.Relative)))
        {
            var policy = await reset.ReadJsonAsync(HttpStatusCode.OK);
            Assert.False(policy.GetProperty("own").GetBoolean());
            Assert.Equal([25m, 50m], policy.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("feePercent").GetDecimal()));
        }

        Assert.False((await a.Anonymous.GetJsonAsync($"/api/theatres/{theatre}/cancellation-policy")).GetProperty("own").GetBoolean());
    }

    [Fact]
    public async Task A_bad_policy_is_a_400_and_only_the_theatres_owner_or_an_admin_sets_one()
    {
        var a = await _fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var url = $"/api/theatres/{theatre}/cancellation-policy";
        foreach (var body in new[]
        {
            """{"tiers":[{"before":"00:20:00","feePercent":50},{"before":"02:00:00","feePercent":25}]}""",
            """{"tiers":[{"before":"02:00:00","feePercent":150}]}""",
            """{"tiers":[]}""",
            """{"tiers":[{"before":"soon","feePercent":10}]}""",
        })
        {
            using var response = await a.Owner.PutRawJsonAsync(url, body);
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.StartsWith("tiers", StringComparison.Ordinal)), problem.GetRawText());
        }

        var policy = new { tiers = new[] { new { before = "03:00:00", feePercent = 0 } } };
        await (await a.OtherOwner.PutJsonAsync(url, policy)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await a.User.PutJsonAsync(url, policy)).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await a.Owner.PutJsonAsync($"/api/theatres/{Guid.CreateVersion7()}/cancellation-policy", policy)).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.False((await a.Anonymous.GetJsonAsync(url)).GetProperty("own").GetBoolean());
        using var admin = await a.Admin.PutJsonAsync(url, policy);
        Assert.True((await admin.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("own").GetBoolean());
    }
}

public sealed class SqliteCancellationPolicyTests(SqliteAppFixture fixture) : CancellationPolicyTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresCancellationPolicyTests(PostgresAppFixture fixture) : CancellationPolicyTests(fixture), IClassFixture<PostgresAppFixture>;
