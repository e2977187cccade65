using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Bookings;

/// <summary>
/// The master that owns a show's slot dies during a hold race and its replica takes over: holds not yet replicated may
/// be lost, a seat is never sold twice, and the service goes on without a restart.
/// </summary>
public sealed class RedisClusterFailoverTests(RedisClusterAppFixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<RedisClusterAppFixture>
{
    private static readonly string[] Seats = [.. from row in "ABC" from number in Enumerable.Range(1, 6) select $"{row}{number}"];

    /// <summary>How long before the kill a grant may still have been unreplicated (loopback replication takes microseconds).</summary>
    private static readonly TimeSpan ReplicationWindow = TimeSpan.FromSeconds(1);

    private readonly MovieBookingApp _app = fixture.App;
    private readonly RedisCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task A_master_killed_during_a_hold_race_loses_at_most_unreplicated_holds_and_never_sells_a_seat_twice()
    {
        var (show, shoppers) = await FreshShowAsync();
        var master = await _cluster.MasterOfAsync($"{{show:{show}}}");
        var racers = shoppers.Take(12).ToArray();
        var clock = Stopwatch.StartNew();
        var attempts = new ConcurrentQueue<Attempt>();
        using var stop = new CancellationTokenSource();

        // Each racer holds a random seat and, while the race goes on, lets it go again a moment later, so seats keep
        // changing hands before, during and after the failover.
        async Task RaceAsync(int racer)
        {
            var random = new Random(racer);
            while (!stop.IsCancellationRequested)
            {
                var attempt = new Attempt(racer, Seats[random.Next(Seats.Length)], clock.Elapsed);
                using (var response = await racers[racer].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { attempt.Seat } }))
                {
                    attempt.Status = response.StatusCode;
                    attempt.AnsweredAt = clock.Elapsed;
                    attempt.HoldId = attempt.Granted ? (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("holdId").GetString() : null;
                    attempts.Enqueue(attempt);
                }

                await Task.Delay(random.Next(5, 30));
                if (attempt.Granted && !stop.IsCancellationRequested)
                {
                    var askedAt = clock.Elapsed;
                    using var released = await racers[racer].DeleteAsync(new Uri($"/api/holds/{attempt.HoldId}", UriKind.Relative));
                    attempt.ReleasedAt = released.StatusCode == HttpStatusCode.NoContent ? askedAt : null;
                    Assert.Contains(released.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable });
                }
            }
        }

        // A show whose slot another master serves: while one slot is unserved the cluster may refuse every slot, and the
        // service answers those holds 503 meanwhile, never 500.
        var bystanderShow = await ShowOnAnotherMasterAsync(master);
        var bystander = shoppers[^1];
        var bystanderAnswers = new ConcurrentQueue<HttpStatusCode>();
        async Task WatchAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await bystander.PostJsonAsync($"/api/shows/{bystanderShow}/holds", new { seatIds = new[] { Seats[bystanderAnswers.Count % Seats.Length] } });
                bystanderAnswers.Enqueue(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var holdId = (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("holdId").GetString();
                    using var released = await bystander.DeleteAsync(new Uri($"/api/holds/{holdId}", UriKind.Relative));
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
                }

                await Task.Delay(10);
            }
        }

        var race = Task.WhenAll(Enumerable.Range(0, racers.Length).Select(i => Task.Run(() => RaceAsync(i))).Append(Task.Run(WatchAsync)));
        await UntilAsync(race, () => attempts.Count(a => a.Granted) >= 20);
        var killedAt = clock.Elapsed;
        _cluster.Kill(master);
        await _cluster.WaitUntilHealthyAsync();
        var healthyAt = clock.Elapsed;

        // The race goes on against the promoted replica until it has granted again, without a restart of the service.
        await UntilAsync(race, () => attempts.Count(a => a.Granted && a.AskedAt > healthyAt) >= 20);
        await stop.CancelAsync();
        await race;

        var all = attempts.ToList();
        Assert.All(all, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.ServiceUnavailable }));
        Assert.All(bystanderAnswers, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.ServiceUnavailable }));

        // A seat held again while its earlier hold was not released is one whose earlier hold was granted just before
        // the kill, where the replica may not have had it yet.
        foreach (var grants in all.Where(a => a.Granted).GroupBy(a => a.Seat))
        {
            var ordered = grants.OrderBy(a => a.AnsweredAt).ToList();
            foreach (var (earlier, later) in ordered.Zip(ordered.Skip(1)))
            {
                // A release takes effect between its asking and its answer; the later grant may come in between.
                var releasedFirst = earlier.ReleasedAt < later.AnsweredAt;
                Assert.True(releasedFirst || Unreplicated(earlier, killedAt),
                    $"{later.Seat} was held at {later.AnsweredAt} while its hold of {earlier.AnsweredAt} stood (master killed at {killedAt}).");
            }
        }

        // Every hold still standing is booked and sold: each sells, and only lost holds are refused, with a clear answer.
        var standing = all.Where(a => a.Granted && a.ReleasedAt is null).ToList();
        var confirmed = new List<string>();
        foreach (var hold in standing)
        {
            using var booking = await racers[hold.Racer].PostJsonAsync("/api/bookings", new { holdId = hold.HoldId });
            if (booking.StatusCode != HttpStatusCode.Created)
            {
                await booking.ReadProblemAsync(booking.StatusCode);
                Assert.True(booking.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict && Unreplicated(hold, killedAt),
                    $"The hold of {hold.Seat} granted at {hold.AnsweredAt} could not be booked: {booking.StatusCode}.");
                continue;
            }

            var id = (await booking.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
            Assert.True(await ConfirmAsync(id), $"The booking of {hold.Seat}, held at {hold.AnsweredAt}, did not sell.");
            confirmed.Add(hold.Seat);
        }

        var showId = Guid.Parse(show);
        var sold = await _app.WithDbAsync(db => db.BookingSeats.Where(s => s.ShowId == showId && s.Sold).Select(s => s.SeatId).ToListAsync());
        Assert.Equal(confirmed.Order(), sold.Order());
        Assert.Equal(sold.Count, sold.Distinct().Count());
        var map = await SeatMapAsync(show);
        Assert.All(sold, seat => Assert.Equal("BOOKED", map[seat]));

        // Another show, whose slot may live on any master, holds as before.
        var (next, _) = await FreshShowAsync();
        await HoldAsync(racers[0], next, "A1");
    }

    private Task<string> ShowOnAnotherMasterAsync(int master) =>
        FreshShowWhereAsync(async show => await _cluster.MasterOfAsync($"{{show:{show}}}") != master);

    /// <summary>Asked for before the kill and answered shortly before it: the replica may not have had it.</summary>
    private static bool Unreplicated(Attempt grant, TimeSpan killedAt) =>
        grant.AskedAt < killedAt && grant.AnsweredAt > killedAt - ReplicationWindow;

    private static async Task UntilAsync(Task race, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            // A racer's failed assertion ends the wait with its own message.
            if (race.IsFaulted)
            {
                await race;
            }

            Assert.True(DateTime.UtcNow < deadline, "The race did not get there within a minute.");
            await Task.Delay(20);
        }
    }

    private sealed class Attempt(int racer, string seat, TimeSpan askedAt)
    {
        public int Racer { get; } = racer;

        public string Seat { get; } = seat;

        public TimeSpan AskedAt { get; } = askedAt;

        public TimeSpan AnsweredAt { get; set; }

        public HttpStatusCode Status { get; set; }

        public string? HoldId { get; set; }

        /// <summary>When its release was asked for; null while it stands (or when the release found it gone).</summary>
        public TimeSpan? ReleasedAt { get; set; }

        public bool Granted => Status == HttpStatusCode.Created;
    }
}
