using System.Net;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Seating;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Payments;

/// <summary>
/// PostgreSQL stopped under a running service: every request that needs it is a 503 problem with Retry-After (never a
/// 500), nothing is half done, and the service serves again by itself once the server is back.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.Fixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<DatabaseOutageTests.Fixture>
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    [Fact]
    public async Task A_stopped_database_is_a_503_with_retry_after_and_the_service_recovers_by_itself()
    {
        var (show, shoppers) = await FreshShowAsync();
        var booking = await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "A1"));
        using (var start = await shoppers[0].PostAsync(new Uri($"/api/bookings/{booking.GetProperty("id").GetString()}/payments", UriKind.Relative), null))
        {
            var payment = await start.ReadJsonAsync(HttpStatusCode.Created);
            using var pay = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{payment.GetProperty("orderId").GetString()}/pay", new { outcome = "success" });
            await pay.ReadJsonAsync(HttpStatusCode.OK);
        }

        var id = booking.GetProperty("id").GetString();
        await fixture.Server.StopAsync();
        try
        {
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
            {
                () => shoppers[0].GetAsync(new Uri("/api/bookings", UriKind.Relative)),
                () => shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null),
                () => shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A2" } }),
                () => shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { count = 2 }),
                () => _anonymous.GetAsync(new Uri($"/api/shows/{show}", UriKind.Relative)),
            })
            {
                using var response = await request();
                await AssertUnavailableAsync(response);
            }

            // Best-available picks arriving together share one read of the taken seats; when it fails, each is a 503.
            var together = await Task.WhenAll(shoppers[2..10].Select(shopper => shopper.PostJsonAsync($"/api/shows/{show}/holds", new { count = 2 })));
            foreach (var response in together)
            {
                using (response)
                {
                    await AssertUnavailableAsync(response);
                }
            }

            using var ready = await _anonymous.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await fixture.Server.RestartAsync();
        }

        // Back by itself: no restart of the service, and the cancellation that failed had changed nothing.
        using (var bookings = await shoppers[0].GetAsync(new Uri("/api/bookings", UriKind.Relative)))
        {
            await bookings.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(BookingStatus.Confirmed, await _app.WithDbAsync(db => db.Bookings.Where(b => b.Id == Guid.Parse(id!)).Select(b => b.Status).SingleAsync()));
        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            Assert.Equal("REFUNDED", (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        Assert.Equal(PaymentStatus.Refunded, await _app.WithDbAsync(db => db.Payments.Where(p => p.BookingId == Guid.Parse(id!)).Select(p => p.Status).SingleAsync()));

        // The failed picks held nothing; picks arriving together now get disjoint seats, and the database holds exactly those.
        Assert.Equal(0, await _app.WithDbAsync(db => db.ShowSeats.CountAsync(s => s.ShowId == Guid.Parse(show) && s.Status == SeatStatus.Held)));
        var granted = await Task.WhenAll(shoppers[2..6].Select(async shopper =>
        {
            using var response = await shopper.PostJsonAsync($"/api/shows/{show}/holds", new { count = 2 });
            return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("seatIds").Read<string[]>();
        }));
        var seats = granted.SelectMany(s => s).ToList();
        Assert.Equal(seats.Count, seats.Distinct().Count());
        var held = await _app.WithDbAsync(db => db.ShowSeats
            .Where(s => s.ShowId == Guid.Parse(show) && s.Status == SeatStatus.Held).Select(s => s.SeatId).ToListAsync());
        Assert.Equal(seats.Order(), held.Order());
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The answer says when to retry.");
    }

    /// <summary>The app over a database on a PostgreSQL server of its own, which the test stops and restarts.</summary>
    public sealed class Fixture : AppFixture
    {
        public PostgresServer Server { get; private set; } = null!;

        public override string StoreName => "PostgreSQL";

        protected override async Task<Dictionary<string, string?>> CreateDatabaseAsync()
        {
            Server = await PostgresServer.StartPrivateAsync();
            return new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Default"] = await Server.CreateDatabaseAsync(),
            };
        }

        protected override Task DropDatabaseAsync() => Server?.StopAsync() ?? Task.CompletedTask;
    }
}
