using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MovieBooking.Api.Notifications;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Notifications;

/// <summary>
/// An app that sends its email to an SMTP server of its own on loopback and its texts through Twilio's API at a local
/// stand-in, retrying after 10 s, three attempts at most.
/// </summary>
public interface IMailFixture
{
    SmtpSink Smtp { get; }

    TwilioStandIn Twilio { get; }

    DatabaseFaults Database { get; }
}

public sealed class SqliteMailFixture : SqliteAppFixture, IMailFixture
{
    public SmtpSink Smtp { get; } = SmtpSink.Start();

    public TwilioStandIn Twilio { get; private set; } = null!;

    public DatabaseFaults Database { get; } = new(postgres: false);

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Database);

    public override async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync();
        await base.InitializeAsync();
        await MailSettings.WelcomeAsync(this);
    }

    protected override void Configure(Dictionary<string, string?> settings) => MailSettings.Apply(Smtp, Twilio, settings);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

public sealed class PostgresMailFixture : PostgresAppFixture, IMailFixture
{
    public SmtpSink Smtp { get; } = SmtpSink.Start();

    public TwilioStandIn Twilio { get; private set; } = null!;

    public DatabaseFaults Database { get; } = new(postgres: true);

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Database);

    public override async Task InitializeAsync()
    {
        Twilio = await TwilioStandIn.StartAsync();
        await base.InitializeAsync();
        await MailSettings.WelcomeAsync(this);
    }

    protected override void Configure(Dictionary<string, string?> settings) => MailSettings.Apply(Smtp, Twilio, settings);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

internal static class MailSettings
{
    public static void Apply(SmtpSink smtp, TwilioStandIn twilio, Dictionary<string, string?> settings)
    {
        smtp.Configure(settings);
        twilio.Configure(settings);
        settings["Notifications:MaxAttempts"] = "3";
        settings["Notifications:FirstRetry"] = "00:00:10";
        settings["Notifications:PublicUrl"] = "https://tickets.example.com";
    }

    /// <summary>Creates the fixture's accounts and sends their address confirmations, so each test starts with an empty outbox.</summary>
    public static async Task WelcomeAsync(AppFixture fixture)
    {
        await fixture.ShoppersAsync();
        await fixture.ActorsAsync();
        var dispatcher = fixture.App.Services.GetRequiredService<NotificationDispatcher>();
        while (await dispatcher.DispatchDueAsync(CancellationToken.None) > 0)
        {
        }
    }
}

/// <summary>
/// Email through the transactional outbox, at a real SMTP server: what a confirmation carries, retries while the
/// server is down, failed messages an admin sends again, reminders, and each message sent once by racing dispatchers.
/// </summary>
public abstract partial class NotificationsTests<TFixture>(TFixture fixture) : BookingsApiTestsBase(fixture)
    where TFixture : AppFixture, IMailFixture
{
    private readonly MovieBookingApp _app = fixture.App;
    private SmtpSink Smtp => fixture.Smtp;
    private TwilioStandIn Twilio => fixture.Twilio;
    private NotificationDispatcher Dispatcher => _app.Services.GetRequiredService<NotificationDispatcher>();

    [Fact]
    public async Task A_paid_booking_is_emailed_once_with_its_qr_code_calendar_invitation_and_price()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[0];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var (booking, payment) = await PendingPaymentAsync(shopper, show, "B2", "B1");
        var bookingId = booking.GetProperty("id").GetString()!;
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");

        await DispatchAllAsync();
        var row = await _app.WithDbAsync(db => db.Notifications.SingleAsync(n => n.BookingId == Guid.Parse(bookingId) && n.Kind == NotificationKind.BookingConfirmed && n.Channel == NotificationChannel.Email));
        Assert.True(row.Status == NotificationStatus.Sent, row.LastError);
        var message = Assert.Single(BookingMailTo(email));
        Assert.Equal($"{row.Id:N}@moviebooking.localhost", message.MessageId);
        var details = await shopper.GetJsonAsync($"/api/shows/{show}");
        var movie = details.GetProperty("movie").GetProperty("title").GetString()!;
        Assert.StartsWith($"Booking confirmed: {movie}, ", message.Subject, StringComparison.Ordinal);

        // Both parts tell the show, the seats in order, the total and the ticket's link.
        var total = booking.GetProperty("price").GetProperty("total").GetInt64();
        var money = Money.Format(total, "INR");
        // The HTML part writes characters beyond ASCII as references (&#x20B9; for ₹); read as a client shows it.
        foreach (var part in new[] { message.TextBody, WebUtility.HtmlDecode(message.HtmlBody) })
        {
            Assert.Contains(movie, part, StringComparison.Ordinal);
            Assert.Contains("B1, B2", part, StringComparison.Ordinal);
            Assert.Contains(money, part, StringComparison.Ordinal);
            Assert.Contains($"https://tickets.example.com/bookings/{bookingId}", part, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("src=\"cid:ticket-qr\"", message.HtmlBody, StringComparison.Ordinal);

        // The inline image is the ticket's own QR code, as the API serves it.
        var qr = message.BodyParts.OfType<MimePart>().Single(p => p.ContentId == "ticket-qr");
        Assert.Equal("image/png", qr.ContentType.MimeType);
        using var image = new MemoryStream();
        await qr.Content!.DecodeToAsync(image);
        using var served = await shopper.GetAsync(new Uri($"/api/bookings/{bookingId}/ticket/qr.png", UriKind.Relative));
        Assert.Equal(await served.Content.ReadAsByteArrayAsync(), image.ToArray());

        // The calendar invitation holds the show at its start, at the theatre.
        var invitation = message.Attachments.OfType<MimePart>().Single(p => p.FileName == "show.ics");
        Assert.Equal("text/calendar", invitation.ContentType.MimeType);
        using var ics = new MemoryStream();
        await invitation.Content!.DecodeToAsync(ics);
        var calendar = System.Text.Encoding.UTF8.GetString(ics.ToArray());
        var startsAt = details.GetProperty("startsAt").GetDateTimeOffset().UtcDateTime;
        Assert.Contains("BEGIN:VEVENT", calendar, StringComparison.Ordinal);
        Assert.Contains($"DTSTART:{startsAt:yyyyMMdd'T'HHmmss'Z'}", calendar, StringComparison.Ordinal);
        Assert.Contains($"UID:{Guid.Parse(bookingId):N}@moviebooking.localhost", calendar, StringComparison.Ordinal);

        // Sent is sent: another round sends nothing.
        Assert.Equal(0, await Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Single(BookingMailTo(email));
    }

    [Fact]
    public async Task While_the_mail_server_is_down_a_confirmation_waits_and_goes_out_once_when_it_is_back()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[1];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        await Smtp.StopAsync();
        Guid id;
        try
        {
            var (booking, payment) = await PendingPaymentAsync(shopper, show, "C1");
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            id = Guid.Parse(booking.GetProperty("id").GetString()!);
            await Dispatcher.DispatchDueAsync(CancellationToken.None);
            var waiting = await ConfirmationOfAsync(id);
            Assert.Equal((NotificationStatus.Pending, 1), (waiting.Status, waiting.Attempts));
            Assert.NotNull(waiting.LastError);
            // Not before its retry is due: the first retry comes 5–10 s later.
            Assert.InRange(waiting.DueAt - _app.Time.GetUtcNow(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
            await Dispatcher.DispatchDueAsync(CancellationToken.None);
            Assert.Equal(1, (await ConfirmationOfAsync(id)).Attempts);
        }
        finally
        {
            Smtp.Resume();
        }

        _app.Time.Advance(TimeSpan.FromSeconds(11));
        await DispatchAllAsync();
        var sent = await ConfirmationOfAsync(id);
        Assert.Equal((NotificationStatus.Sent, 2), (sent.Status, sent.Attempts));
        Assert.Single(Smtp.To(email), m => m.MessageId == $"{sent.Id:N}@moviebooking.localhost");
    }

    [Fact]
    public async Task After_its_last_attempt_a_message_is_failed_and_an_admin_sends_it_again()
    {
        var a = await fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[2];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        await Smtp.StopAsync();
        Guid id;
        try
        {
            var (booking, payment) = await PendingPaymentAsync(shopper, show, "A1");
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            id = Guid.Parse(booking.GetProperty("id").GetString()!);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                await Dispatcher.DispatchDueAsync(CancellationToken.None);
                _app.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }
        finally
        {
            Smtp.Resume();
        }

        var failed = await ConfirmationOfAsync(id);
        Assert.Equal((NotificationStatus.Failed, 3), (failed.Status, failed.Attempts));
        await DispatchAllAsync();
        Assert.Empty(BookingMailTo(email));

        var listed = (await a.Admin.GetJsonAsync("/api/admin/notifications?status=FAILED&pageSize=100")).GetProperty("items").EnumerateArray()
            .Single(n => n.GetProperty("id").GetString() == failed.Id.ToString());
        Assert.Equal("BOOKING_CONFIRMED", listed.GetProperty("kind").GetString());
        Assert.Equal(3, listed.GetProperty("attempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(listed.GetProperty("lastError").GetString()));

        // Only admins, only failed messages, only known ids; a rejected request changes nothing.
        await a.Owner.GetProblemAsync("/api/admin/notifications", HttpStatusCode.Forbidden);
        await a.Anonymous.GetProblemAsync("/api/admin/notifications", HttpStatusCode.Unauthorized);
        var problem = await a.Admin.GetProblemAsync("/api/admin/notifications?status=LOST", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        await (await a.Admin.PostJsonAsync($"/api/admin/notifications/{Guid.CreateVersion7()}/retry", new { })).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await a.User.PostJsonAsync($"/api/admin/notifications/{failed.Id}/retry", new { })).ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(NotificationStatus.Failed, (await ConfirmationOfAsync(id)).Status);

        using (var retried = await a.Admin.PostJsonAsync($"/api/admin/notifications/{failed.Id}/retry", new { }))
        {
            Assert.Equal("PENDING", (await retried.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await DispatchAllAsync();
        Assert.Single(BookingMailTo(email));
        Assert.Equal(NotificationStatus.Sent, (await ConfirmationOfAsync(id)).Status);
        using var again = await a.Admin.PostJsonAsync($"/api/admin/notifications/{failed.Id}/retry", new { });
        await again.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_reminder_goes_out_three_hours_before_the_show_but_not_for_a_booking_cancelled_meanwhile()
    {
        // A show four hours ahead, so the clock moves an hour, not days (each of the service's timers ticks through the move).
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var show = await a.Catalog.ShowAsync(await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId)), startsAt: _app.Time.GetUtcNow().AddHours(4));
        var kept = shoppers[3];
        var cancelled = shoppers[4];
        var keptEmail = (await kept.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var cancelledEmail = (await cancelled.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        foreach (var (shopper, seat) in new[] { (kept, "A1"), (cancelled, "A2") })
        {
            var (_, payment) = await PendingPaymentAsync(shopper, show, seat);
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        }

        var cancelledBooking = (await cancelled.GetJsonAsync("/api/bookings")).GetProperty("items")[0].GetProperty("id").GetString();
        using (var cancel = await cancelled.PostJsonAsync($"/api/bookings/{cancelledBooking}/cancel", new { }))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        await DispatchAllAsync();
        var startsAt = (await kept.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();
        Assert.DoesNotContain(Smtp.To(keptEmail), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));

        _app.Time.Advance(startsAt - TimeSpan.FromHours(3) - _app.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await DispatchAllAsync();
        var reminder = Assert.Single(Smtp.To(keptEmail), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));
        Assert.Contains("A1", reminder.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Smtp.To(cancelledEmail), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));
        var skipped = await _app.WithDbAsync(db => db.Notifications.SingleAsync(n => n.BookingId == Guid.Parse(cancelledBooking!) && n.Kind == NotificationKind.ShowReminder && n.Channel == NotificationChannel.Email));
        Assert.Equal(NotificationStatus.Skipped, skipped.Status);
    }

    [Fact]
    public async Task Dispatchers_racing_over_one_outbox_send_each_message_exactly_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var seats = new[] { "A", "B", "C" }.SelectMany(row => Enumerable.Range(1, 6).Select(n => $"{row}{n}")).ToArray();
        var buyers = shoppers.Skip(10).Take(seats.Length).ToArray();
        var bookings = await Task.WhenAll(buyers.Select(async (buyer, i) =>
        {
            var (booking, payment) = await PendingPaymentAsync(buyer, show, seats[i]);
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            return Guid.Parse(booking.GetProperty("id").GetString()!);
        }));

        // Four dispatchers at once, as four instances would run them, each with its own connection.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(DispatchAllAsync)));
        var ids = await _app.WithDbAsync(db => db.Notifications
            .Where(n => bookings.Contains(n.BookingId!.Value) && n.Kind == NotificationKind.BookingConfirmed && n.Channel == NotificationChannel.Email)
            .Select(n => new { n.Id, n.Status }).ToListAsync());
        Assert.Equal(seats.Length, ids.Count);
        Assert.All(ids, n => Assert.Equal(NotificationStatus.Sent, n.Status));
        foreach (var n in ids)
        {
            Assert.Single(Smtp.Received, m => m.MessageId == $"{n.Id:N}@moviebooking.localhost");
        }
    }

    [Fact]
    public async Task A_reminder_held_up_until_the_show_has_begun_is_not_sent()
    {
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var show = await a.Catalog.ShowAsync(await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId)), startsAt: _app.Time.GetUtcNow().AddHours(4));
        var shopper = shoppers[34];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        using (var set = await shopper.PutJsonAsync("/api/users/me/preferences", new { phone = "+91 98765 43211", reminders = new { email = true, sms = true } }))
        {
            await set.ReadJsonAsync(HttpStatusCode.OK);
        }

        var (booking, payment) = await PendingPaymentAsync(shopper, show, "A3");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        await DispatchAllAsync();

        // No dispatcher ran from three hours before the show until it began.
        _app.Time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await DispatchAllAsync();

        Assert.DoesNotContain(Smtp.To(email), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));
        Assert.DoesNotContain(Twilio.Received, m => m.To == "+919876543211" && m.Body.StartsWith("Reminder", StringComparison.Ordinal));
        var id = Guid.Parse(booking.GetProperty("id").GetString()!);
        var reminders = await _app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.BookingId == id && n.Kind == NotificationKind.ShowReminder).ToListAsync());
        Assert.Equal(2, reminders.Count);
        Assert.All(reminders, r => Assert.Equal((NotificationStatus.Skipped, "The show had begun when the reminder was due to go out."), (r.Status, r.LastError)));
    }

    [Fact]
    public async Task A_declined_payment_and_an_unpaid_booking_that_lapses_are_each_emailed_once_saying_no_money_was_taken()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[5];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var (declined, payment) = await PendingPaymentAsync(shopper, show, "A1");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "failure");
        var lapsed = await BookAsync(shopper, await HoldAsync(shopper, show, "A2"));
        _app.Time.Advance(TimeSpan.FromMinutes(6));
        await _app.Services.GetRequiredService<MovieBooking.Api.Bookings.BookingExpiryService>().SweepAsync(CancellationToken.None);

        await DispatchAllAsync();
        var movie = (await shopper.GetJsonAsync($"/api/shows/{show}")).GetProperty("movie").GetProperty("title").GetString()!;
        var failed = Assert.Single(Smtp.To(email), m => m.Subject == $"Payment failed: {movie}");
        Assert.Contains("no money was taken", failed.TextBody, StringComparison.Ordinal);
        Assert.Contains(declined.GetProperty("id").GetString()!, failed.TextBody, StringComparison.Ordinal);
        var expired = Assert.Single(Smtp.To(email), m => m.Subject == $"Booking expired: {movie}");
        Assert.Contains("not paid in time", expired.TextBody, StringComparison.Ordinal);
        Assert.Contains("A2", expired.TextBody, StringComparison.Ordinal);
        Assert.Contains(lapsed.GetProperty("id").GetString()!, WebUtility.HtmlDecode(expired.HtmlBody), StringComparison.Ordinal);
        Assert.Equal(2, BookingMailTo(email).Count);
    }

    [Fact]
    public async Task A_cancellation_is_emailed_with_its_refund_and_again_when_the_refund_completes()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[6];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var (booking, payment) = await PendingPaymentAsync(shopper, show, "B3");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var id = booking.GetProperty("id").GetString()!;
        long refund;
        using (var cancel = await shopper.PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            refund = (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("refund").GetProperty("amount").GetInt64();
        }

        Assert.Equal("REFUNDED", (await shopper.GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        await DispatchAllAsync();
        var amount = Money.Format(refund, "INR");
        var cancelled = Assert.Single(Smtp.To(email), m => m.Subject == $"Booking cancelled: refund of {amount}");
        Assert.Contains($"Refund: {amount}", cancelled.TextBody, StringComparison.Ordinal);
        Assert.Contains("cancellation fee", cancelled.TextBody, StringComparison.Ordinal);
        var completed = Assert.Single(Smtp.To(email), m => m.Subject == $"Refund completed: {amount}");
        Assert.Contains(id, completed.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_show_cancelled_by_its_theatre_is_emailed_to_each_buyer_with_the_full_refund()
    {
        var a = await fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var buyers = new[] { (shoppers[7], "C1"), (shoppers[8], "C2") };
        var totals = new Dictionary<string, long>();
        foreach (var (buyer, seat) in buyers)
        {
            var (booking, payment) = await PendingPaymentAsync(buyer, show, seat);
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            totals[(await buyer.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!] = booking.GetProperty("price").GetProperty("total").GetInt64();
        }

        using (var cancel = await a.Owner.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        await DispatchAllAsync();
        var movie = (await a.Anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("movie").GetProperty("title").GetString()!;
        foreach (var (email, total) in totals)
        {
            var message = Assert.Single(Smtp.To(email), m => m.Subject!.StartsWith($"Show cancelled: {movie}", StringComparison.Ordinal));
            Assert.Contains($"Refund: {Money.Format(total, "INR")}", message.TextBody, StringComparison.Ordinal);
            Assert.Contains("refunded in full", message.TextBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_customer_with_a_phone_gets_the_confirmation_by_sms_and_reminders_only_on_the_channels_they_chose()
    {
        var a = await fixture.ActorsAsync();
        var shoppers = await fixture.ShoppersAsync();
        var texter = shoppers[30];
        var silent = shoppers[31];
        var texterEmail = (await texter.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        using (var set = await texter.PutJsonAsync("/api/users/me/preferences", new { phone = "+91 98765 43210", reminders = new { email = false, sms = true } }))
        {
            var me = await set.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("+919876543210", me.GetProperty("phone").GetString());
            Assert.Equal((false, true), (me.GetProperty("reminders").GetProperty("email").GetBoolean(), me.GetProperty("reminders").GetProperty("sms").GetBoolean()));
        }

        var show = await a.Catalog.ShowAsync(await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId)), startsAt: _app.Time.GetUtcNow().AddHours(4));
        var bookings = new Dictionary<HttpClient, string>();
        foreach (var (shopper, seat) in new[] { (texter, "B5"), (silent, "B6") })
        {
            var (booking, payment) = await PendingPaymentAsync(shopper, show, seat);
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
            bookings[shopper] = booking.GetProperty("id").GetString()!;
        }

        await DispatchAllAsync();
        var text = Assert.Single(Twilio.Received, m => m.Body.Contains(bookings[texter], StringComparison.Ordinal));
        Assert.Equal(("+919876543210", TwilioStandIn.From), (text.To, text.From));
        Assert.StartsWith("Booking confirmed: ", text.Body, StringComparison.Ordinal);
        Assert.Contains("seats B5", text.Body, StringComparison.Ordinal);
        Assert.Contains($"https://tickets.example.com/bookings/{bookings[texter]}", text.Body, StringComparison.Ordinal);
        // Money is always told by email too; a customer without a phone gets no text.
        Assert.Single(Smtp.To(texterEmail), m => m.Subject!.StartsWith("Booking confirmed", StringComparison.Ordinal));
        Assert.DoesNotContain(Twilio.Received, m => m.Body.Contains(bookings[silent], StringComparison.Ordinal));
        var silentTexts = await _app.WithDbAsync(db => db.Notifications
            .Where(n => n.BookingId == Guid.Parse(bookings[silent]) && n.Channel == NotificationChannel.Sms && n.Kind == NotificationKind.BookingConfirmed)
            .Select(n => n.Status).ToListAsync());
        Assert.Equal([NotificationStatus.Skipped], silentTexts);

        // Three hours before the show: the texter's reminder by SMS only, the other's by email only.
        _app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await DispatchAllAsync();
        var reminder = Assert.Single(Twilio.Received, m => m.Body.StartsWith("Reminder: ", StringComparison.Ordinal) && m.To == "+919876543210" && m.Body.Contains("B5", StringComparison.Ordinal));
        Assert.Contains("today", reminder.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Smtp.To(texterEmail), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));
        var silentEmail = (await silent.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        Assert.Single(Smtp.To(silentEmail), m => m.Subject!.StartsWith("Reminder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"phone":"98765 43210","reminders":{"email":true,"sms":false}}""", "phone")]
    [InlineData("""{"phone":"+91 12345","reminders":{"email":true,"sms":false}}""", "phone")]
    [InlineData("""{"phone":"call me","reminders":{"email":true,"sms":false}}""", "phone")]
    [InlineData("""{"phone":null,"reminders":{"email":true,"sms":true}}""", "reminders.sms")]
    [InlineData("""{"phone":"+919876543210"}""", "reminders")]
    [InlineData("""{"phone":"+9198765432109876543210987654321098","reminders":{"email":true,"sms":false}}""", "phone")]
    public async Task Bad_preferences_are_a_400_naming_the_field_and_change_nothing(string body, string field)
    {
        var shopper = (await fixture.ShoppersAsync())[32];
        var before = await shopper.GetJsonAsync("/api/users/me");
        using var response = await shopper.PutRawJsonAsync("/api/users/me/preferences", body);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var after = await shopper.GetJsonAsync("/api/users/me");
        Assert.Equal(before.GetProperty("phone").ToString(), after.GetProperty("phone").ToString());
        Assert.Equal(before.GetProperty("reminders").ToString(), after.GetProperty("reminders").ToString());
        using var anonymous = await fixture.Client.PutRawJsonAsync("/api/users/me/preferences", body);
        await anonymous.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_confirmation_that_fails_at_its_message_is_not_confirmed_and_the_reconciler_confirms_it_with_one()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[32];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var (booking, payment) = await PendingPaymentAsync(shopper, show, "C4");
        var id = Guid.Parse(booking.GetProperty("id").GetString()!);
        fixture.Database.FailCommands(sql => sql.Contains("INSERT INTO", StringComparison.Ordinal) && sql.Contains("notifications", StringComparison.Ordinal));
        try
        {
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        }
        finally
        {
            fixture.Database.Clear();
        }

        // Neither the confirmation nor its message stands.
        Assert.Equal("PENDING_PAYMENT", (await shopper.GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.BookingId == id)));

        await Reconciling.UntilSettledAsync(_app);
        Assert.Equal("CONFIRMED", (await shopper.GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        await DispatchAllAsync();
        Assert.Single(Smtp.To(email), m => m.Subject!.StartsWith("Booking confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_sent_by_an_instance_that_dies_before_marking_it_is_sent_again_with_the_same_message_id()
    {
        var (show, shoppers) = await FreshShowAsync();
        var shopper = shoppers[33];
        var email = (await shopper.GetJsonAsync("/api/users/me")).GetProperty("email").GetString()!;
        var (booking, payment) = await PendingPaymentAsync(shopper, show, "C5");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var id = Guid.Parse(booking.GetProperty("id").GetString()!);

        // The server takes the message; every write about it after the send fails, as if the instance died there.
        var confirmation = (await ConfirmationOfAsync(id)).Id.ToString();
        fixture.Database.FailCommandsWhere(
            command => command.CommandText.Contains("UPDATE", StringComparison.Ordinal)
                && command.CommandText.Contains("notifications", StringComparison.Ordinal)
                && command.CommandText.Contains("last_error", StringComparison.Ordinal)
                && command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => string.Equals(p.Value?.ToString(), confirmation, StringComparison.OrdinalIgnoreCase)),
            times: 1_000);
        try
        {
            // The round ends with the failed write, as the instance would have.
            await Assert.ThrowsAnyAsync<Exception>(() => Dispatcher.DispatchDueAsync(CancellationToken.None));
        }
        finally
        {
            fixture.Database.Clear();
        }

        var claimed = await ConfirmationOfAsync(id);
        Assert.Equal((NotificationStatus.Pending, 1), (claimed.Status, claimed.Attempts));
        Assert.Single(BookingMailTo(email));
        // Nobody sends it while the claim holds; once it lapses, it goes again, under the same Message-ID.
        await DispatchAllAsync();
        Assert.Single(BookingMailTo(email));
        _app.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await DispatchAllAsync();
        var copies = BookingMailTo(email);
        Assert.Equal(2, copies.Count);
        Assert.All(copies, m => Assert.Equal($"{claimed.Id:N}@moviebooking.localhost", m.MessageId));
        Assert.Equal(NotificationStatus.Sent, (await ConfirmationOfAsync(id)).Status);
    }

    /// <summary>What was sent to <paramref name="email"/> about bookings (not the welcome asking to confirm the address).</summary>
    private List<MimeMessage> BookingMailTo(string email) => [.. Smtp.To(email).Where(m => m.Subject != "Confirm your email address")];

    private Task<Notification> ConfirmationOfAsync(Guid bookingId) =>
        _app.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.BookingId == bookingId && n.Kind == NotificationKind.BookingConfirmed && n.Channel == NotificationChannel.Email));

    /// <summary>Rounds until nothing due is left.</summary>
    private async Task DispatchAllAsync()
    {
        while (await Dispatcher.DispatchDueAsync(CancellationToken.None) > 0)
        {
        }
    }
}

public sealed class SqliteNotificationsTests(SqliteMailFixture fixture) : NotificationsTests<SqliteMailFixture>(fixture), IClassFixture<SqliteMailFixture>;

public sealed class PostgresNotificationsTests(PostgresMailFixture fixture) : NotificationsTests<PostgresMailFixture>(fixture), IClassFixture<PostgresMailFixture>;
