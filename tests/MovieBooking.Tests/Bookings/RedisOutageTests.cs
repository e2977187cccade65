using System.Net;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Bookings;

/// <summary>With Redis gone, a hold is a 503 problem that says to retry, not a 500.</summary>
public sealed class RedisOutageTests(RedisAppFixture fixture) : HoldsApiTestsBase(fixture), IClassFixture<RedisAppFixture>
{
    private readonly RedisServer _redis = fixture.Redis;

    [Fact]
    public async Task A_hold_while_redis_is_down_is_a_503_problem_with_retry_after()
    {
        var (show, shoppers) = await FreshShowAsync();
        await HoldAsync(shoppers[0], show, "A1");

        await _redis.DisposeAsync();
        using var response = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A2" } });

        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Redis", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The answer says when to retry.");
    }
}
