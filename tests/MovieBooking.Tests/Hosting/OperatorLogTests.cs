using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

public sealed class SqliteLoggedFixture : SqliteAppFixture
{
    public LogCapture Logs { get; } = new();

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class PostgresLoggedFixture : PostgresAppFixture
{
    public LogCapture Logs { get; } = new();

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

/// <summary>What an operator reads: one line per request, one per business event, and no alarms for what is expected.</summary>
public abstract class OperatorLogTests(AppFixture fixture, LogCapture logs) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;

    [Fact]
    public async Task A_purchase_leaves_one_line_per_request_and_one_per_event_with_their_ids()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var userId = (await shoppers[0].GetJsonAsync("/api/users/me")).GetProperty("id").GetString();
        logs.Clear();

        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B4");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var bookingId = booking.GetProperty("id").GetString()!;
        var paymentId = payment.GetProperty("paymentId").GetString()!;
        var ticket = await shoppers[0].GetJsonAsync($"/api/bookings/{bookingId}/ticket");
        using (var scan = await actors.Owner.PostJsonAsync("/api/checkins", new { qr = ticket.GetProperty("qr").GetString() }))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        var requests = logs.Entries.Where(e => e.Category == "MovieBooking.Requests").Select(e => e.Message).ToList();
        var hold = Assert.Single(requests, m => m.StartsWith("POST /api/shows/{showId:guid}/holds 201", StringComparison.Ordinal));
        Assert.Matches(@"in \d+\.\d ms \(trace 00-[0-9a-f]{32}-[0-9a-f]{16}-0\d, user " + userId + @"\)$", hold);
        Assert.Single(requests, m => m.StartsWith("POST /api/bookings/ 201", StringComparison.Ordinal) || m.StartsWith("POST /api/bookings 201", StringComparison.Ordinal));
        Assert.Single(requests, m => m.StartsWith("POST /api/sandbox/", StringComparison.Ordinal) && m.EndsWith("user -)", StringComparison.Ordinal));

        var events = logs.Entries.Where(e => e.Category == "MovieBooking.Events").Select(e => e.Message).ToList();
        Assert.Single(events, m => m.StartsWith($"Booking {bookingId} created for show {show} by user {userId}", StringComparison.Ordinal));
        Assert.Single(events, m => m.StartsWith($"Payment {paymentId} started for booking {bookingId}", StringComparison.Ordinal));
        Assert.Single(events, m => m == $"Payment {paymentId} captured for booking {bookingId}");
        Assert.Single(events, m => m == $"Booking {bookingId} confirmed by payment {paymentId}; ticket issued");
        Assert.Single(events, m => m.StartsWith($"Ticket {ticket.GetProperty("ticketId").GetString()} of booking {bookingId} admitted", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Idempotent_replays_and_refused_requests_log_no_failure_and_no_stack_trace()
    {
        var (show, shoppers) = await FreshShowAsync();
        logs.Clear();

        var key = Guid.NewGuid().ToString();
        string? holdId = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/shows/{show}/holds", UriKind.Relative))
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { seatIds = new[] { "B5" } }),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await shoppers[1].SendAsync(request);
            holdId = (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("holdId").GetString();
        }

        var bookingKey = Guid.NewGuid().ToString();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/bookings", UriKind.Relative))
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { holdId }),
            };
            request.Headers.Add("Idempotency-Key", bookingKey);
            using var response = await shoppers[1].SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await shoppers[2].GetProblemAsync($"/api/bookings/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        using (var taken = await shoppers[2].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B5" } }))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logs.Entries, e => e.Exception is not null);
        Assert.Equal(6, logs.Entries.Count(e => e.Category == "MovieBooking.Requests"));
    }
}

public sealed class SqliteOperatorLogTests(SqliteLoggedFixture fixture)
    : OperatorLogTests(fixture, fixture.Logs), IClassFixture<SqliteLoggedFixture>;

public sealed class PostgresOperatorLogTests(PostgresLoggedFixture fixture)
    : OperatorLogTests(fixture, fixture.Logs), IClassFixture<PostgresLoggedFixture>;
