using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Data;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Hosting;
using MovieBooking.Tests.Infrastructure;
using Npgsql;

namespace MovieBooking.Tests.Data;

/// <summary>
/// A streaming replica beside the primary: shoppers' catalogue reads and seat-map snapshots come from it while it keeps
/// up; staff's reads, everything a user wrote and reads back, and every write go to the primary; lag and outages of
/// the replica show in a metric and send its reads back to the primary. Replay is paused on the real replica to make
/// it lag, so what each request reads shows where it was served from.
/// </summary>
public sealed class ReadReplicaTests(ReplicaAppFixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<ReplicaAppFixture>
{
    private const string LagGauge = "moviebooking.db.replica.lag";

    private readonly MovieBookingApp _app = fixture.App;
    private readonly ReadReplica _replica = fixture.App.Services.GetRequiredService<ReadReplica>();
    private readonly ReplicaLagSampler _sampler = fixture.App.Services.GetRequiredService<ReplicaLagSampler>();

    [Fact]
    public async Task Shoppers_read_the_catalogue_from_the_replica_and_staff_from_the_primary()
    {
        var actors = await fixture.ActorsAsync();
        await InUseAsync();

        var movie = "";
        await PausedAsync(async () =>
        {
            movie = await actors.Catalog.MovieAsync();
            using (var anonymous = await actors.Anonymous.GetAsync(new Uri($"/api/movies/{movie}", UriKind.Relative)))
            {
                await anonymous.ReadProblemAsync(HttpStatusCode.NotFound);
            }

            using (var user = await actors.User.GetAsync(new Uri($"/api/movies/{movie}", UriKind.Relative)))
            {
                await user.ReadProblemAsync(HttpStatusCode.NotFound);
            }

            // Staff who just wrote the catalogue read it back from the primary.
            Assert.Equal(movie, (await actors.Admin.GetJsonAsync($"/api/movies/{movie}")).GetProperty("id").GetString());
            Assert.Equal(movie, (await actors.Owner.GetJsonAsync($"/api/movies/{movie}")).GetProperty("id").GetString());
        });

        // Replayed, the replica has it too.
        Assert.Equal(movie, (await actors.Anonymous.GetJsonAsync($"/api/movies/{movie}")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_shopper_holds_books_pays_and_reads_back_on_the_primary_while_the_replica_lags()
    {
        var (show, shoppers) = await FreshShowAsync();
        await InUseAsync();

        await PausedAsync(async () =>
        {
            var hold = await HoldAsync(shoppers[0], show, "A1", "A2");
            Assert.Equal(hold.GetProperty("holdId").GetString(), (await shoppers[0].GetJsonAsync("/api/holds"))[0].GetProperty("holdId").GetString());
            var (booking, payment) = await PendingPaymentAsync(shoppers[1], show, "B1");
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            var id = booking.GetProperty("id").GetString();
            Assert.Equal("CONFIRMED", (await shoppers[1].GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty((await shoppers[1].GetJsonAsync($"/api/bookings/{id}/ticket")).GetProperty("qr").GetString()));

            // The shared seat map is a snapshot that may lag: here the replica has not replayed either write yet.
            var map = await SeatMapAsync(show);
            Assert.Equal(("AVAILABLE", "AVAILABLE"), (map["A1"], map["B1"]));
        });

        // Caught up, and past the seat map cache's second, the snapshot shows both.
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        await InUseAsync();
        var caughtUp = await SeatMapAsync(show);
        Assert.Equal(("HELD", "BOOKED"), (caughtUp["A1"], caughtUp["B1"]));
    }

    [Fact]
    public async Task Lag_beyond_the_limit_shows_in_the_metric_and_sends_shoppers_reads_to_the_primary()
    {
        var actors = await fixture.ActorsAsync();
        using var watch = new MeterWatch(_app.Services);
        await InUseAsync();
        watch.Observe();
        Assert.Equal(0, watch.Last(LagGauge));

        await PausedAsync(async () =>
        {
            var movie = await actors.Catalog.MovieAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                Assert.True(DateTime.UtcNow < deadline, $"The replica's lag stayed at {_replica.Lag} with replay paused.");
                await Task.Delay(100);
                await _sampler.SampleAsync(CancellationToken.None);
            }
            while (!(_replica.Lag > ReplicaAppFixture.MaxLag));

            watch.Observe();
            Assert.True(watch.Last(LagGauge) > ReplicaAppFixture.MaxLag.TotalSeconds, $"The gauge reads {watch.Last(LagGauge)} s.");
            Assert.False(_replica.InUse);
            Assert.Equal(movie, (await actors.Anonymous.GetJsonAsync($"/api/movies/{movie}")).GetProperty("id").GetString());
        });

        await InUseAsync();
        watch.Observe();
        Assert.Equal(0, watch.Last(LagGauge));
    }

    [Fact]
    public async Task With_the_replica_down_shoppers_read_from_the_primary_and_the_gauge_falls_silent()
    {
        var (show, _) = await FreshShowAsync();
        var actors = await fixture.ActorsAsync();
        using var watch = new MeterWatch(_app.Services);
        await InUseAsync();

        await fixture.Replica.StopAsync();
        try
        {
            await _sampler.SampleAsync(CancellationToken.None);
            Assert.Null(_replica.Lag);
            Assert.False(_replica.InUse);
            var observed = watch.Count(LagGauge);
            watch.Observe();
            Assert.Equal(observed, watch.Count(LagGauge));

            var movie = await actors.Catalog.MovieAsync();
            Assert.Equal(movie, (await actors.Anonymous.GetJsonAsync($"/api/movies/{movie}")).GetProperty("id").GetString());
            Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C6"]);
        }
        finally
        {
            await fixture.Replica.RestartAsync();
        }

        await InUseAsync();
    }

    /// <summary>Waits until the replica has replayed everything the primary wrote so far, then samples it: in use again.</summary>
    private async Task InUseAsync()
    {
        var primaryAt = await ScalarAsync<string>(fixture.Primary, "SELECT pg_current_wal_insert_lsn()::text");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ScalarAsync<bool>(fixture.Replica, $"SELECT COALESCE(pg_last_wal_replay_lsn() >= '{primaryAt}'::pg_lsn, false)"))
        {
            Assert.True(DateTime.UtcNow < deadline, "The replica did not catch up with the primary.");
            await Task.Delay(50);
        }

        await _sampler.SampleAsync(CancellationToken.None);
        Assert.True(_replica.InUse, $"The replica is not in use after catching up (lag {_replica.Lag}).");
    }

    /// <summary>Runs <paramref name="work"/> with the replica's replay paused, so it falls behind every write meanwhile.</summary>
    private async Task PausedAsync(Func<Task> work)
    {
        await ExecuteAsync(fixture.Replica, "SELECT pg_wal_replay_pause()");
        try
        {
            await work();
        }
        finally
        {
            await ExecuteAsync(fixture.Replica, "SELECT pg_wal_replay_resume()");
        }

        await InUseAsync();
    }

    private static async Task ExecuteAsync(Servers.PostgresServer server, string sql) => await ScalarAsync<object>(server, sql);

    private static async Task<T> ScalarAsync<T>(Servers.PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync() ?? DBNull.Value);
    }
}
