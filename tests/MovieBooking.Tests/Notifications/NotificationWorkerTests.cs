using System.Net;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Notifications;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Notifications;

/// <summary>
/// An API instance that does not send (<c>Notifications:Dispatch=false</c>) and two worker processes of the same build
/// (<c>Role=Worker</c>) over one PostgreSQL database, sending to one SMTP server.
/// </summary>
public sealed class NotificationWorkersFixture : PostgresAppFixture
{
    public SmtpSink Smtp { get; } = SmtpSink.Start();

    public ServiceProcess[] Workers { get; private set; } = [];

    /// <summary>Each worker signs as its own sender, so the server can tell which of them sent a message.</summary>
    public static string SenderOf(int worker) => $"Worker {worker} <tickets@moviebooking.localhost>";

    protected override void Configure(Dictionary<string, string?> settings) => Smtp.Configure(settings);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Workers = [.. Enumerable.Range(1, 2).Select(worker => ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Role"] = "Worker",
            ["Database__Provider"] = Settings["Database:Provider"]!,
            ["ConnectionStrings__Default"] = Settings["ConnectionStrings:Default"]!,
            ["Notifications__Email__SmtpHost"] = Settings["Notifications:Email:SmtpHost"]!,
            ["Notifications__Email__SmtpPort"] = Settings["Notifications:Email:SmtpPort"]!,
            ["Notifications__Email__SmtpSecurity"] = "None",
            ["Notifications__Email__From"] = SenderOf(worker),
            ["Notifications__PollInterval"] = "00:00:00.1",
            ["Notifications__BatchSize"] = "10",
            // The QR code in each email is signed with the key the door checks, as in the API instance.
            ["Tickets__SigningKey"] = MovieBookingApp.TestTicketKey,
        }))];
        await Task.WhenAll(Workers.Select(w => w.WaitUntilReadyAsync()));
    }

    public override async Task DisposeAsync()
    {
        foreach (var worker in Workers)
        {
            await worker.DisposeAsync();
        }

        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class NotificationWorkerTests(NotificationWorkersFixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<NotificationWorkersFixture>
{
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task Two_worker_processes_send_each_of_500_confirmations_exactly_once()
    {
        const int Confirmations = 500;
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var purchases = new List<(HttpClient Shopper, string Show, string Seat)>();
        for (var show = 0; show < Confirmations / 100; show++)
        {
            var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = $"Audi W{show}", rows = CatalogBuilder.Layout(rows: 10, seatsPerRow: 10) });
            var id = await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddDays(2));
            // Ten rows of ten; a shopper buys at most three seats of a show.
            purchases.AddRange(Enumerable.Range(0, 100).Select(k => (shoppers[k % shoppers.Length], id, $"{(char)('A' + (k / 10))}{(k % 10) + 1}")));
        }

        // The workers send while the sales are still coming in.
        await Parallel.ForEachAsync(purchases, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (purchase, _) =>
        {
            var (_, payment) = await PendingPaymentAsync(purchase.Shopper, purchase.Show, purchase.Seat);
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        });

        var owed = await _app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.Kind == NotificationKind.BookingConfirmed && n.Channel == NotificationChannel.Email)
            .Select(n => n.Id).ToListAsync());
        Assert.Equal(Confirmations, owed.Count);
        await UntilAsync(async () => await _app.WithDbAsync(db => db.Notifications.CountAsync(n =>
            n.Kind == NotificationKind.BookingConfirmed && n.Status == NotificationStatus.Pending)) == 0);

        var confirmations = fixture.Smtp.Received.Where(m => m.Subject!.StartsWith("Booking confirmed", StringComparison.Ordinal)).ToList();
        Assert.Equal(Confirmations, confirmations.Count);
        Assert.Equal(
            owed.Select(id => $"{id:N}@moviebooking.localhost").Order(StringComparer.Ordinal),
            confirmations.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        // Both workers took a share.
        var bySender = confirmations.GroupBy(m => m.From.ToString()).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(Enumerable.Range(1, 2), worker => Assert.True(
            bySender.GetValueOrDefault(MimeKit.InternetAddress.Parse(NotificationWorkersFixture.SenderOf(worker)).ToString()) > 0,
            $"Worker {worker} sent nothing: {string.Join(", ", bySender)}"));
        Assert.Equal(Confirmations, await _app.WithDbAsync(db => db.Notifications.CountAsync(n =>
            n.Kind == NotificationKind.BookingConfirmed && n.Channel == NotificationChannel.Email && n.Status == NotificationStatus.Sent)));
    }

    [Fact]
    public async Task A_worker_answers_its_health_probes_and_serves_no_api_or_web_app()
    {
        using var worker = new HttpClient { BaseAddress = fixture.Workers[0].BaseAddress };
        using (var ready = await worker.GetAsync(new Uri("api/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        foreach (var path in new[] { "api/movies", "api/auth/login", "", "openapi/v1.json" })
        {
            using var response = await worker.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_worker_on_a_new_database_brings_the_schema_up_to_date_but_leaves_the_demo_catalogue_to_the_api()
    {
        // Development, where an API instance would seed the demo catalogue; SQLite under the worker's ./data/.
        await using var worker = ServiceProcess.Start(new Dictionary<string, string> { ["Role"] = "Worker" });
        await worker.WaitUntilReadyAsync();

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(worker.Directory, "data", "moviebooking.db")};Mode=ReadOnly");
        await db.OpenAsync();
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT (SELECT count(*) FROM notifications), (SELECT count(*) FROM movies), (SELECT count(*) FROM users)";
        await using var row = await count.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal((0L, 0L, 0L), (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)));
        Assert.DoesNotContain("Demo catalogue seeded", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_told_not_to_dispatch_refuses_to_start_with_one_line_naming_the_settings()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { ["Role"] = "Worker", ["Notifications__Dispatch"] = "false" });

        Assert.Equal(1, await service.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("The service cannot start: Role=Worker only sends notifications; Notifications:Dispatch=false would leave it nothing to do.", line);
    }

    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The workers did not send every confirmation within two minutes.");
            await Task.Delay(100);
        }
    }
}
