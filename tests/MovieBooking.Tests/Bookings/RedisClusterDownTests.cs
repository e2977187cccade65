using System.Net;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Bookings;

/// <summary>
/// A master and its replica both die, so one slot has no owner and the cluster refuses every key ("CLUSTERDOWN"): holds
/// are answered 503 and change nothing, and when the nodes come back the service goes on without a restart.
/// </summary>
public sealed class RedisClusterDownTests(RedisClusterAppFixture fixture) : HoldsApiTestsBase(fixture), IClassFixture<RedisClusterAppFixture>
{
    private readonly RedisCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task While_a_slot_has_no_master_holds_are_answered_503_and_holding_resumes_when_it_returns()
    {
        var (doomed, shoppers) = await FreshShowAsync();
        var master = await _cluster.MasterOfAsync($"{{show:{doomed}}}");
        var replica = await _cluster.ReplicaOfAsync(master);
        var show = await ShowOnAnotherMasterAsync(master);
        await HoldAsync(shoppers[0], show, "B1");

        _cluster.Kill(master);
        _cluster.Kill(replica);
        await _cluster.WaitUntilDownAsync();

        // The show's own master is up, but it refuses while the cluster is down: a 503 that names Redis, never a 500.
        using (var refused = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } }))
        {
            var problem = await refused.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("Redis", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await _cluster.RestartAsync(master);
        await _cluster.RestartAsync(replica);
        await _cluster.WaitUntilHealthyAsync();

        // The refused hold left nothing behind, the seat held before the outage on the surviving master stays held, and
        // both shows take holds again.
        var map = await SeatMapAsync(show);
        Assert.Equal("AVAILABLE", map["A1"]);
        Assert.Equal("HELD", map["B1"]);
        await HoldAsync(shoppers[1], show, "A1");
        await HoldAsync(shoppers[1], doomed, "A1");
    }

    private Task<string> ShowOnAnotherMasterAsync(int master) =>
        FreshShowWhereAsync(async show => await _cluster.MasterOfAsync($"{{show:{show}}}") != master);
}
