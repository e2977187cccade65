using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Tickets;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Payments;

/// <summary>Paying through the sandbox gateway: verification, signed webhooks, late captures, refunds and tickets, on every store.</summary>
public abstract class PaymentsApiTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;

    private SandboxSettings Sandbox => _app.Services.GetRequiredService<IOptions<PaymentOptions>>().Value.Sandbox;

    private SandboxFaults Faults => _app.Services.GetRequiredService<SandboxFaults>();

    [Fact]
    public async Task Paying_through_the_sandbox_confirms_the_booking_and_issues_a_ticket()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A1", "A2");
        Assert.Equal("sandbox", payment.GetProperty("gateway").GetString());
        Assert.Equal(booking.GetProperty("price").GetProperty("total").GetInt64(), payment.GetProperty("amount").GetInt64());
        Assert.Equal("INR", payment.GetProperty("currency").GetString());
        var orderId = payment.GetProperty("orderId").GetString()!;

        var paid = await PayAsync(orderId, "success");
        Assert.Equal("captured", paid.GetProperty("status").GetString());
        var id = booking.GetProperty("id").GetString();
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A1"]);

        // The client's own verification agrees, as often as it is sent, and confirms nothing twice.
        for (var i = 0; i < 2; i++)
        {
            using var verify = await shoppers[0].PostJsonAsync("/api/payments/verify", new
            {
                orderId,
                paymentId = paid.GetProperty("paymentId").GetString(),
                signature = paid.GetProperty("signature").GetString(),
            });
            Assert.Equal("CONFIRMED", (await verify.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        var ticket = await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket");
        Assert.Equal(id, ticket.GetProperty("bookingId").GetString());
        Assert.Equal(["A1", "A2"], ticket.GetProperty("seats").Read<string[]>());
        Assert.Equal(show, ticket.GetProperty("show").GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(ticket.GetProperty("theatre").GetProperty("name").GetString()));

        // A scanner verifies the code offline with the published key.
        var key = await _anonymous.GetJsonAsync("/api/tickets/public-key");
        Assert.Equal("Ed25519", key.GetProperty("algorithm").GetString());
        var claims = TicketCode.Read(ticket.GetProperty("qr").GetString(), Base64Url.DecodeFromChars(key.GetProperty("publicKey").GetString()));
        Assert.NotNull(claims);
        Assert.Equal(ticket.GetProperty("ticketId").GetGuid(), claims.TicketId);
        Assert.Equal(Guid.Parse(show), claims.ShowId);
        Assert.Equal(["A1", "A2"], claims.Seats);

        using var png = await shoppers[0].GetAsync(new Uri($"/api/bookings/{id}/ticket/qr.png", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await png.Content.ReadAsByteArrayAsync())[..4]);
        await shoppers[1].GetProblemAsync($"/api/bookings/{id}/ticket", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Verifying_a_payment_the_webhook_settled_answers_from_the_service_without_asking_the_gateway()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A3");
        var orderId = payment.GetProperty("orderId").GetString()!;
        var paid = await PayAsync(orderId, "success");
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], booking.GetProperty("id").GetString()));

        // The gateway's status queries fail now: a verification that asked would answer 502 or 503.
        Faults.Inject(SandboxStep.Status, SandboxFault.ServerError, times: 3);
        try
        {
            using var verify = await shoppers[0].PostJsonAsync("/api/payments/verify", new
            {
                orderId,
                paymentId = paid.GetProperty("paymentId").GetString(),
                signature = paid.GetProperty("signature").GetString(),
            });
            Assert.Equal("CONFIRMED", (await verify.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());

            // A forged signature is still refused before anything is read out.
            using var forged = await shoppers[0].PostJsonAsync("/api/payments/verify", new
            {
                orderId,
                paymentId = paid.GetProperty("paymentId").GetString(),
                signature = HmacSignature.Sign("wrong-secret", $"{orderId}|{paid.GetProperty("paymentId").GetString()}"),
            });
            await forged.ReadProblemAsync(HttpStatusCode.BadRequest);
        }
        finally
        {
            Faults.Clear();
        }
    }

    [Fact]
    public async Task The_sandbox_checkout_page_goes_back_only_to_a_path_on_this_site()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B1");
        var orderId = payment.GetProperty("orderId").GetString()!;
        var checkoutPage = payment.GetProperty("checkout").GetProperty("checkoutPage").GetString()!;
        Assert.Equal($"/api/sandbox/orders/{orderId}", checkoutPage);
        var back = $"/bookings/{booking.GetProperty("id").GetString()}";

        using var page = await _anonymous.GetAsync(new Uri($"{checkoutPage}?returnUrl={Uri.EscapeDataString(back)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Matches("script-src 'nonce-[A-Za-z0-9+/=]+';", policy);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"const returnUrl = \"{back}\";", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{back}\">Go back without paying</a>", html, StringComparison.Ordinal);

        // Anywhere else would make the checkout an open redirect.
        foreach (var elsewhere in new[] { "https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)", "bookings/1" })
        {
            using var refused = await _anonymous.GetAsync(new Uri($"{checkoutPage}?returnUrl={Uri.EscapeDataString(elsewhere)}", UriKind.Relative));
            var problem = await refused.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("returnUrl", out _), elsewhere);
        }

        await _anonymous.GetProblemAsync($"/api/sandbox/orders/order_unknown?returnUrl={Uri.EscapeDataString(back)}", HttpStatusCode.NotFound);
        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], booking.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_forged_or_mismatched_signature_changes_nothing()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B1");
        var orderId = payment.GetProperty("orderId").GetString()!;
        var id = booking.GetProperty("id").GetString();

        string[] forged =
        [
            HmacSignature.Sign("not-the-key-secret", $"{orderId}|pay_forged"),
            HmacSignature.Sign(Sandbox.KeySecret!, $"order_other|pay_forged"), // signed for another order
            "not-hex",
            "",
        ];
        foreach (var signature in forged)
        {
            using var verify = await shoppers[0].PostJsonAsync("/api/payments/verify", new { orderId, paymentId = "pay_forged", signature });
            Assert.Equal(HttpStatusCode.BadRequest, verify.StatusCode);
            Assert.Equal("application/problem+json", verify.Content.Headers.ContentType?.MediaType);
        }

        // Someone else's order is not found, even with a good signature.
        using (var theirs = await shoppers[1].PostJsonAsync("/api/payments/verify", new
        {
            orderId,
            paymentId = "pay_forged",
            signature = HmacSignature.Sign(Sandbox.KeySecret!, $"{orderId}|pay_forged"),
        }))
        {
            await theirs.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], id));
        Assert.Equal("HELD", (await SeatMapAsync(show))["B1"]);
    }

    [Fact]
    public async Task Webhooks_are_verified_over_the_raw_body()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C1");
        var orderId = payment.GetProperty("orderId").GetString()!;
        // The gateway takes the money, and its own webhook is lost: the one below is the service's only news of it.
        Faults.InjectWebhook(WebhookFault.Lose);
        var paid = await PayAsync(orderId, "success");
        var id = booking.GetProperty("id").GetString();
        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], id));

        var body = Event("evt_raw_" + Guid.NewGuid().ToString("N"), "payment.captured", orderId, paid.GetProperty("paymentId").GetString()!);
        var signature = HmacSignature.Sign(Sandbox.WebhookSecret!, body);
        (await (await WebhookAsync(body, null)).ReadProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("title");
        await (await WebhookAsync(body, HmacSignature.Sign("wrong-secret", body))).ReadProblemAsync(HttpStatusCode.Unauthorized);
        // The same event re-serialised (one more space) no longer matches the signature of the bytes sent.
        var reformatted = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(",", ", ", StringComparison.Ordinal));
        await (await WebhookAsync(reformatted, signature)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        using (var stripe = await _anonymous.PostAsync(new Uri("/api/payments/webhooks/stripe", UriKind.Relative), new ByteArrayContent(body)))
        {
            await stripe.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], id));

        var accepted = await (await WebhookAsync(body, signature)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.False(accepted.GetProperty("duplicate").GetBoolean());
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
        // Gateways retry: the same event again is acknowledged and changes nothing.
        var again = await (await WebhookAsync(body, signature)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(again.GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task A_well_signed_capture_event_the_gateway_does_not_bear_out_confirms_nothing()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C3");
        var orderId = payment.GetProperty("orderId").GetString()!;
        var id = booking.GetProperty("id").GetString();

        // Signed with the webhook secret, as a leaked secret would allow: the signature proves who sent it, not that
        // anyone paid, and the gateway's record of the order says nobody did.
        var forged = Event("evt_forged_" + Guid.NewGuid().ToString("N"), "payment.captured", orderId, "pay_forged");
        await (await WebhookAsync(forged, HmacSignature.Sign(Sandbox.WebhookSecret!, forged))).ReadJsonAsync(HttpStatusCode.OK);
        using (var verify = await shoppers[0].PostJsonAsync("/api/payments/verify", new
        {
            orderId,
            paymentId = "pay_forged",
            signature = HmacSignature.Sign(Sandbox.KeySecret!, $"{orderId}|pay_forged"),
        }))
        {
            Assert.Contains("not captured", (await verify.ReadProblemAsync(HttpStatusCode.Conflict)).GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], id));
        Assert.Equal("HELD", (await SeatMapAsync(show))["C3"]);
        Assert.Equal(PaymentStatus.Created, await PaymentStatusAsync(payment));
        // Not recorded as handled: once the gateway has the money, the same event is acted on.
        Faults.InjectWebhook(WebhookFault.Lose);
        await PayAsync(orderId, "success");
        await (await WebhookAsync(forged, HmacSignature.Sign(Sandbox.WebhookSecret!, forged))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
    }

    [Fact]
    public async Task A_declined_payment_is_answered_unsigned_and_its_verification_never_confirms()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C4");
        var orderId = payment.GetProperty("orderId").GetString()!;

        var declined = await PayAsync(orderId, "failure");
        Assert.Equal("failed", declined.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, declined.GetProperty("signature").ValueKind);

        // Even a correct signature over the declined payment's ids (the key secret is the gateway's, not the client's)
        // confirms nothing: the gateway reports the payment failed.
        var declinedId = declined.GetProperty("paymentId").GetString()!;
        using (var verify = await shoppers[0].PostJsonAsync("/api/payments/verify", new
        {
            orderId,
            paymentId = declinedId,
            signature = HmacSignature.Sign(Sandbox.KeySecret!, $"{orderId}|{declinedId}"),
        }))
        {
            Assert.Equal("Payment failed", (await verify.ReadProblemAsync(HttpStatusCode.Conflict)).GetProperty("title").GetString());
        }

        Assert.Equal("FAILED", await StatusAsync(shoppers[0], booking.GetProperty("id").GetString()));
        Assert.Equal(PaymentStatus.Failed, await PaymentStatusAsync(payment));
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C4"]);
        Assert.Equal(0, await _app.WithDbAsync(db => db.SandboxRefunds.CountAsync(r => r.OrderId == orderId)));
    }

    [Fact]
    public async Task A_failed_payment_frees_the_seats_and_a_failure_after_a_capture_changes_nothing()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (failing, failingPayment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        Assert.Equal("failed", (await PayAsync(failingPayment.GetProperty("orderId").GetString()!, "failure")).GetProperty("status").GetString());
        Assert.Equal("FAILED", await StatusAsync(shoppers[0], failing.GetProperty("id").GetString()));
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["A1"]);

        var (paid, payment) = await PendingPaymentAsync(shoppers[1], show, "A2");
        var orderId = payment.GetProperty("orderId").GetString()!;
        await PayAsync(orderId, "success");
        var late = Event("evt_late_" + Guid.NewGuid().ToString("N"), "payment.failed", orderId, "pay_late");
        await (await WebhookAsync(late, HmacSignature.Sign(Sandbox.WebhookSecret!, late))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[1], paid.GetProperty("id").GetString()));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A2"]);
        // Paying a paid order again answers the same captured payment, whatever outcome is asked for.
        var first = await _app.WithDbAsync(db => db.SandboxOrders.Where(o => o.OrderId == orderId).Select(o => o.PaymentId).SingleAsync());
        foreach (var outcome in new[] { "success", "failure" })
        {
            var twice = await PayAsync(orderId, outcome);
            Assert.Equal(first, twice.GetProperty("paymentId").GetString());
            Assert.Equal("captured", twice.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Starting_a_payment_keeps_the_seats_five_minutes_longer_once_and_a_payment_in_that_time_confirms()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "B1", "B2");
        var held = hold.GetProperty("expiresAt").GetDateTimeOffset();
        var booking = await BookAsync(shoppers[0], hold);
        var id = booking.GetProperty("id").GetString();
        Assert.Equal(held, booking.GetProperty("expiresAt").GetDateTimeOffset());

        var payment = await StartPaymentAsync(shoppers[0], id);
        var extended = (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(held.AddMinutes(5), extended);
        Assert.Equal(extended, (await shoppers[0].GetJsonAsync($"/api/holds/{hold.GetProperty("holdId").GetString()}")).GetProperty("expiresAt").GetDateTimeOffset());

        // A second payment of the booking leaves the expiry where it is.
        _app.Time.Advance(TimeSpan.FromMinutes(1));
        await StartPaymentAsync(shoppers[0], id);
        Assert.Equal(extended, (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("expiresAt").GetDateTimeOffset());

        // Past the hold's first expiry the seats are still the customer's: the sweeper passes the booking by, the
        // seat map shows them held and nobody else can take them.
        _app.Time.Advance(TimeSpan.FromMinutes(5));
        await SweepAsync();
        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], id));
        Assert.Equal("HELD", (await SeatMapAsync(show))["B1"]);
        using (var taken = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "B1" } }))
        {
            await taken.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["B2"]);

        // Unpaid, an extended booking lapses at its new expiry and its seats are free.
        var (unpaid, _) = await PendingPaymentAsync(shoppers[2], show, "C1", "C2");
        var unpaidId = unpaid.GetProperty("id").GetString();
        _app.Time.Advance(TimeSpan.FromMinutes(10));
        await SweepAsync();
        Assert.Equal("EXPIRED", await StatusAsync(shoppers[2], unpaidId));
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["C1"]);
    }

    private static async Task<JsonElement> StartPaymentAsync(HttpClient shopper, string? bookingId)
    {
        using var response = await shopper.PostAsync(new Uri($"/api/bookings/{bookingId}/payments", UriKind.Relative), null);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_payment_captured_after_expiry_confirms_the_booking_while_its_seats_are_free()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        _app.Time.Advance(TimeSpan.FromMinutes(11)); // past the expiry its payment's start extended
        await SweepAsync();
        var id = booking.GetProperty("id").GetString();
        Assert.Equal("EXPIRED", await StatusAsync(shoppers[0], id));

        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A1"]);
        await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket");
    }

    [Fact]
    public async Task Bad_input_to_the_payment_endpoints_is_a_400_and_changes_nothing()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C2");
        var orderId = payment.GetProperty("orderId").GetString()!;

        foreach (var body in new[] { "", "{}", """{"orderId": 7, "paymentId": "pay_1", "signature": "00"}""", """{"orderId": "x", "paymentId": null, "signature": "00"}""", "{not json" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var verify = await shoppers[0].PostAsync(new Uri("/api/payments/verify", UriKind.Relative), content);
            await verify.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        foreach (var outcome in new object?[] { "maybe", null, 1 })
        {
            using var pay = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome });
            await pay.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var unknownOrder = await _anonymous.PostJsonAsync("/api/sandbox/orders/order_unknown/pay", new { outcome = "success" }))
        {
            await unknownOrder.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        foreach (var body in new[] { "{}", """{"qr": 5}""" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var scan = await actors.Owner.PostAsync(new Uri("/api/checkins", UriKind.Relative), content);
            await scan.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        // A correctly signed body that is not an event is refused, not acted on.
        var notAnEvent = Encoding.UTF8.GetBytes("""{"hello": "world"}""");
        await (await WebhookAsync(notAnEvent, HmacSignature.Sign(Sandbox.WebhookSecret!, notAnEvent))).ReadProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("PENDING_PAYMENT", await StatusAsync(shoppers[0], booking.GetProperty("id").GetString()));
        Assert.Equal("HELD", (await SeatMapAsync(show))["C2"]);
        // The order is still payable after all that.
        Assert.Equal("captured", (await PayAsync(orderId, "success")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_sweeper_and_a_capture_racing_leave_one_paid_booking()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A3");
        _app.Time.Advance(TimeSpan.FromMinutes(6));

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sweep = Task.Run(async () => { await start.Task; return await SweepAsync(); });
        var pay = Task.Run(async () => { await start.Task; return await PayAsync(payment.GetProperty("orderId").GetString()!, "success"); });
        start.SetResult();
        await Task.WhenAll(sweep, pay);

        // Expired first or not, the seat was still free, so the late payment confirms the booking.
        var id = Guid.Parse(booking.GetProperty("id").GetString()!);
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id.ToString()));
        var showId = Guid.Parse(show);
        Assert.Equal(1, await _app.WithDbAsync(db => db.BookingSeats.CountAsync(s => s.ShowId == showId && s.SeatId == "A3" && s.Sold)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == id)));
    }

    [Fact]
    public async Task A_webhook_and_the_clients_verification_racing_confirm_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A4");
        var orderId = payment.GetProperty("orderId").GetString()!;
        Faults.InjectWebhook(WebhookFault.Lose);
        var paid = await PayAsync(orderId, "success");
        var paymentId = paid.GetProperty("paymentId").GetString()!;
        var signature = paid.GetProperty("signature").GetString()!;
        var eventId = "evt_race_" + Guid.NewGuid().ToString("N");
        var body = Event(eventId, "payment.captured", orderId, paymentId);
        var webhookSignature = HmacSignature.Sign(Sandbox.WebhookSecret!, body);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = i % 2 == 0
                ? await shoppers[0].PostJsonAsync("/api/payments/verify", new { orderId, paymentId, signature })
                : await WebhookAsync(body, webhookSignature);
            return (i, response.StatusCode, await response.Content.ReadAsStringAsync());
        })).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(racers);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers.Where(a => a.i % 2 == 0), a => Assert.Contains("\"CONFIRMED\"", a.Item3, StringComparison.Ordinal));
        var id = Guid.Parse(booking.GetProperty("id").GetString()!);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == id)));
        Assert.Equal(PaymentStatus.Captured, await _app.WithDbAsync(db => db.Payments.Where(p => p.BookingId == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.EventId == eventId)));
    }

    [Fact]
    public async Task A_capture_interrupted_before_its_settlement_is_finished_by_the_reconciler()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A5");
        var (confirmedBooking, confirmedPayment) = await PendingPaymentAsync(shoppers[1], show, "A6");
        var paymentId = payment.GetProperty("paymentId").GetGuid();
        var confirmedPaymentId = confirmedPayment.GetProperty("paymentId").GetGuid();
        var now = _app.Time.GetUtcNow();

        // As a crash leaves them: one payment captured but its booking untouched, another whose booking was
        // confirmed just before the crash.
        await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == paymentId || p.Id == confirmedPaymentId)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Settling).SetProperty(x => x.GatewayPaymentId, "pay_crashed").SetProperty(x => x.UpdatedAt, now)));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<BookingService>()
                .ConfirmAsync(confirmedBooking.GetProperty("id").GetGuid(), BookingStatus.PendingPayment, confirmedPaymentId, CancellationToken.None));
        }

        var reconciler = _app.Services.GetRequiredService<PaymentReconciler>();
        Assert.Equal(0, await reconciler.ReconcileAsync(CancellationToken.None)); // not stranded yet
        await Reconciling.UntilSettledAsync(_app); // the background round may run it too; both are guarded

        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], booking.GetProperty("id").GetString()));
        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[1], confirmedBooking.GetProperty("id").GetString()));
        var statuses = await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == paymentId || p.Id == confirmedPaymentId).Select(p => p.Status).ToListAsync());
        Assert.All(statuses, status => Assert.Equal(PaymentStatus.Captured, status));
    }

    [Fact]
    public async Task A_payment_captured_after_its_seat_was_resold_is_refunded_and_never_a_second_sale()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (first, firstPayment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        _app.Time.Advance(TimeSpan.FromMinutes(11)); // past the expiry its payment's start extended
        await SweepAsync();

        var (second, secondPayment) = await PendingPaymentAsync(shoppers[1], show, "A1");
        await PayAsync(secondPayment.GetProperty("orderId").GetString()!, "success");
        await PayAsync(firstPayment.GetProperty("orderId").GetString()!, "success");

        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[1], second.GetProperty("id").GetString()));
        var refunded = await shoppers[0].GetJsonAsync($"/api/bookings/{first.GetProperty("id").GetString()}");
        Assert.Equal("REFUNDED", refunded.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("price").GetProperty("total").GetInt64(), refunded.GetProperty("refund").GetProperty("amount").GetInt64());
        Assert.Contains("no longer free", refunded.GetProperty("refund").GetProperty("reason").GetString(), StringComparison.Ordinal);
        var showId = Guid.Parse(show);
        Assert.Equal(1, await _app.WithDbAsync(db => db.BookingSeats.CountAsync(s => s.ShowId == showId && s.SeatId == "A1" && s.Sold)));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A1"]);
    }

    [Fact]
    public async Task Cancelling_a_paid_booking_refunds_exactly_what_its_tier_quotes_and_frees_the_seats()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A1", "A2");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var id = booking.GetProperty("id").GetString();
        var startsAt = (await _anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();

        // Three days ahead, the default policy's first tier: 25 % of the ₹300 paid for the tickets is kept, and the
        // convenience fee and its tax; the quote holds until 2 hours before the show, in the city's time.
        var quote = await shoppers[0].GetJsonAsync($"/api/bookings/{id}/cancellation");
        Assert.True(quote.GetProperty("allowed").GetBoolean());
        Assert.Equal((22_500L, 7_500L), (quote.GetProperty("refund").GetInt64(), quote.GetProperty("fee").GetInt64()));
        Assert.Equal(("02:00:00", 25m), (quote.GetProperty("tier").GetProperty("before").GetString(), quote.GetProperty("tier").GetProperty("feePercent").GetDecimal()));
        Assert.Equal(startsAt.AddHours(-2), quote.GetProperty("until").GetDateTimeOffset());
        Assert.Equal(startsAt.Offset, quote.GetProperty("until").GetDateTimeOffset().Offset);

        using var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null);
        var cancelled = await cancel.ReadJsonAsync(HttpStatusCode.OK);
        // The sandbox confirms refunds at once; the tier is kept with the refund.
        Assert.Equal("REFUNDED", cancelled.GetProperty("status").GetString());
        Assert.Equal(22_500, cancelled.GetProperty("refund").GetProperty("amount").GetInt64());
        Assert.Equal(25m, cancelled.GetProperty("refund").GetProperty("tier").GetProperty("feePercent").GetDecimal());
        var map = await SeatMapAsync(show);
        Assert.Equal("AVAILABLE", map["A1"]);
        Assert.Equal("AVAILABLE", map["A2"]);
        await shoppers[0].GetProblemAsync($"/api/bookings/{id}/ticket", HttpStatusCode.NotFound);
        await HoldAsync(shoppers[1], show, "A1", "A2");
        Assert.False((await shoppers[0].GetJsonAsync($"/api/bookings/{id}/cancellation")).GetProperty("allowed").GetBoolean());
        await shoppers[1].GetProblemAsync($"/api/bookings/{id}/cancellation", HttpStatusCode.NotFound);

        // The gateway's own books show the one refund.
        var order = await _anonymous.GetJsonAsync($"/api/sandbox/orders/{payment.GetProperty("orderId").GetString()}/status");
        Assert.Equal("paid", order.GetProperty("status").GetString());
        var refund = Assert.Single(order.GetProperty("refunds").EnumerateArray());
        Assert.Equal(22_500, refund.GetProperty("amount").GetInt64());
        await _anonymous.GetProblemAsync("/api/sandbox/orders/order_unknown/status", HttpStatusCode.NotFound);

        // Cancelling again answers the same, and refunds nothing twice.
        using var again = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null);
        Assert.Equal(cancelled.GetProperty("refund").GetRawText(), (await again.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("refund").GetRawText());
        var orderId = payment.GetProperty("orderId").GetString()!;
        Assert.Equal(1, await _app.WithDbAsync(db => db.SandboxRefunds.CountAsync(r => r.OrderId == orderId)));
    }

    [Fact]
    public async Task Within_two_hours_of_the_show_half_is_kept_and_in_its_last_20_minutes_a_booking_cannot_be_cancelled()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (early, earlyPayment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        await PayAsync(earlyPayment.GetProperty("orderId").GetString()!, "success");
        var (late, latePayment) = await PendingPaymentAsync(shoppers[1], show, "A2");
        await PayAsync(latePayment.GetProperty("orderId").GetString()!, "success");
        var startsAt = (await _anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();

        _app.Time.SetUtcNow(startsAt.ToUniversalTime().AddHours(-1));
        var earlyId = early.GetProperty("id").GetString();
        var quote = await shoppers[0].GetJsonAsync($"/api/bookings/{earlyId}/cancellation");
        Assert.Equal((7_500L, 50m), (quote.GetProperty("refund").GetInt64(), quote.GetProperty("tier").GetProperty("feePercent").GetDecimal()));
        Assert.Equal(startsAt.AddMinutes(-20), quote.GetProperty("until").GetDateTimeOffset());
        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{earlyId}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(7_500, (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("refund").GetProperty("amount").GetInt64());
        }

        _app.Time.SetUtcNow(startsAt.ToUniversalTime().AddMinutes(-20));
        var lateId = late.GetProperty("id").GetString();
        var refused = await shoppers[1].GetJsonAsync($"/api/bookings/{lateId}/cancellation");
        Assert.False(refused.GetProperty("allowed").GetBoolean());
        Assert.Equal("Bookings can be cancelled until 20 minutes before the show.", refused.GetProperty("reason").GetString());
        using (var cancel = await shoppers[1].PostAsync(new Uri($"/api/bookings/{lateId}/cancel", UriKind.Relative), null))
        {
            Assert.Equal("Bookings can be cancelled until 20 minutes before the show.",
                (await cancel.ReadProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        }

        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[1], lateId));
    }

    [Fact]
    public async Task A_payment_starts_only_for_the_callers_booking_awaiting_payment_and_replays_by_key()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = await HoldAsync(shoppers[0], show, "A1");
        var id = (await BookAsync(shoppers[0], hold)).GetProperty("id").GetString();

        using (var theirs = await shoppers[1].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            await theirs.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using (var unknown = await shoppers[0].PostAsync(new Uri($"/api/bookings/{Guid.CreateVersion7()}/payments", UriKind.Relative), null))
        {
            await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using (var anonymous = await _anonymous.PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var key = Guid.NewGuid().ToString();
        var first = await StartWithKeyAsync(shoppers[0], id!, key);
        var replay = await StartWithKeyAsync(shoppers[0], id!, key);
        Assert.Equal(first.GetProperty("paymentId").GetString(), replay.GetProperty("paymentId").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Payments.CountAsync(p => p.BookingId == Guid.Parse(id!))));

        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var late = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null);
        await late.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_ticket_admits_once_at_its_own_theatre()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var qr = await PaidTicketAsync(shoppers[0], show, "A1", "A2");

        using (var user = await actors.User.PostJsonAsync("/api/checkins", new { qr }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        }

        using (var other = await actors.OtherOwner.PostJsonAsync("/api/checkins", new { qr }))
        {
            await other.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        var tampered = qr[..^3] + (qr[^3] == 'A' ? 'B' : 'A') + qr[^2..];
        foreach (var bad in new[] { "not a ticket", tampered, "" })
        {
            using var response = await actors.Owner.PostJsonAsync("/api/checkins", new { qr = bad });
            await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var admitted = await actors.Owner.PostJsonAsync("/api/checkins", new { qr }))
        {
            Assert.Equal(["A1", "A2"], (await admitted.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("seats").Read<string[]>());
        }

        using var again = await actors.Admin.PostJsonAsync("/api/checkins", new { qr });
        var problem = await again.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(_app.Time.GetUtcNow(), problem.GetProperty("admittedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_admitted_ticket_is_not_cancellable_by_its_customer_but_a_cancelled_show_refunds_it()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B1");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var id = booking.GetProperty("id").GetString();
        var qr = (await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket")).GetProperty("qr").GetString();
        using (var admitted = await actors.Owner.PostJsonAsync("/api/checkins", new { qr }))
        {
            await admitted.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            var problem = await cancel.ReadProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("admitted", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("CONFIRMED", await StatusAsync(shoppers[0], id));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["B1"]);
        Assert.Equal(PaymentStatus.Captured, await PaymentStatusAsync(payment));

        using (var cancelShow = await actors.Owner.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null))
        {
            await cancelShow.ReadJsonAsync(HttpStatusCode.OK);
        }

        var refunded = await shoppers[0].GetJsonAsync($"/api/bookings/{id}");
        Assert.Equal("REFUNDED", refunded.GetProperty("status").GetString());
        Assert.Equal(booking.GetProperty("price").GetProperty("total").GetInt64(), refunded.GetProperty("refund").GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task A_cancellation_and_a_check_in_racing_never_both_win()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B2");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var id = booking.GetProperty("id").GetString();
        var qr = (await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket")).GetProperty("qr").GetString();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scan = Task.Run(async () =>
        {
            await start.Task;
            using var response = await actors.Owner.PostJsonAsync("/api/checkins", new { qr });
            return response.StatusCode;
        });
        var cancel = Task.Run(async () =>
        {
            await start.Task;
            using var response = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null);
            return response.StatusCode;
        });
        start.SetResult();
        var (scanned, cancelled) = (await scan, await cancel);

        // Exactly one wins: admitted and still sold, or cancelled, refunded and not admitted.
        Assert.NotEqual(scanned == HttpStatusCode.OK, cancelled == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, scanned == HttpStatusCode.OK ? cancelled : scanned);
        var status = await StatusAsync(shoppers[0], id);
        Assert.Equal(scanned == HttpStatusCode.OK ? "CONFIRMED" : "REFUNDED", status);
    }

    [Fact]
    public async Task Two_scanners_racing_on_one_ticket_admit_it_once()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var qr = await PaidTicketAsync(shoppers[0], show, "A1");

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scans = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = await (i % 2 == 0 ? actors.Owner : actors.Admin).PostJsonAsync("/api/checkins", new { qr });
            return response.StatusCode;
        })).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(scans);

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task A_refunded_bookings_ticket_does_not_admit()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var qr = await PaidTicketAsync(shoppers[0], show, "A1");
        var bookingId = (await shoppers[0].GetJsonAsync("/api/bookings?pageSize=100")).GetProperty("items").EnumerateArray()
            .First(b => b.GetProperty("seats").Read<string[]>().SequenceEqual(["A1"]) && b.GetProperty("showId").GetString() == show).GetProperty("id").GetString();
        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{bookingId}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var scan = await actors.Owner.PostJsonAsync("/api/checkins", new { qr });
        await scan.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancelling_a_show_refunds_paid_bookings_in_full_and_cancels_unpaid_ones()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var (paid, payment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var unpaid = await BookAsync(shoppers[1], await HoldAsync(shoppers[1], show, "A2"));

        using (var cancel = await actors.Owner.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        var refunded = await shoppers[0].GetJsonAsync($"/api/bookings/{paid.GetProperty("id").GetString()}");
        Assert.Equal("REFUNDED", refunded.GetProperty("status").GetString());
        Assert.Equal(paid.GetProperty("price").GetProperty("total").GetInt64(), refunded.GetProperty("refund").GetProperty("amount").GetInt64());
        Assert.Equal("CANCELLED", await StatusAsync(shoppers[1], unpaid.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Every_time_about_a_show_reads_in_its_citys_offset_from_hold_to_check_in()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var startsAt = (await _anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();
        var kolkata = TimeSpan.FromHours(5.5);
        Assert.Equal(kolkata, startsAt.Offset);
        var now = _app.Time.GetUtcNow();

        var hold = await HoldAsync(shoppers[0], show, "C5");
        AssertLocal(hold.GetProperty("expiresAt"), now + TimeSpan.FromMinutes(5));
        AssertLocal((await shoppers[0].GetJsonAsync($"/api/holds/{hold.GetProperty("holdId").GetString()}")).GetProperty("expiresAt"), now + TimeSpan.FromMinutes(5));

        var booking = await BookAsync(shoppers[0], hold);
        AssertLocal(booking.GetProperty("createdAt"), now);
        var id = booking.GetProperty("id").GetString();
        using (var payment = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            await PayAsync((await payment.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString()!, "success");
        }

        var confirmed = await shoppers[0].GetJsonAsync($"/api/bookings/{id}");
        AssertLocal(confirmed.GetProperty("createdAt"), now);
        // Starting the payment kept the seats five minutes longer.
        AssertLocal(confirmed.GetProperty("expiresAt"), booking.GetProperty("expiresAt").GetDateTimeOffset() + TimeSpan.FromMinutes(5));
        var listed = (await shoppers[0].GetJsonAsync("/api/bookings?pageSize=100")).GetProperty("items").EnumerateArray().Single(b => b.GetProperty("id").GetString() == id);
        AssertLocal(listed.GetProperty("createdAt"), now);
        AssertLocal(listed.GetProperty("show").GetProperty("startsAt"), startsAt);

        var ticket = await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket");
        AssertLocal(ticket.GetProperty("show").GetProperty("startsAt"), startsAt);
        AssertLocal(ticket.GetProperty("issuedAt"), now);

        using var admitted = await actors.Owner.PostJsonAsync("/api/checkins", new { qr = ticket.GetProperty("qr").GetString() });
        AssertLocal((await admitted.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("admittedAt"), now);
        AssertLocal((await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket")).GetProperty("checkedInAt"), now);

        void AssertLocal(JsonElement time, DateTimeOffset instant)
        {
            var value = time.GetDateTimeOffset();
            Assert.Equal(kolkata, value.Offset);
            Assert.Equal(instant, value);
        }
    }

    [Fact]
    public async Task A_customer_sees_their_bookings_payments_and_refund_and_nobody_else_does()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C3", "C4");
        var id = booking.GetProperty("id").GetString();
        var total = booking.GetProperty("price").GetProperty("total").GetInt64();

        var started = Assert.Single((await shoppers[0].GetJsonAsync($"/api/bookings/{id}/payments")).EnumerateArray());
        Assert.Equal(payment.GetProperty("paymentId").GetString(), started.GetProperty("paymentId").GetString());
        Assert.Equal("CREATED", started.GetProperty("status").GetString());
        Assert.Equal(total, started.GetProperty("amount").GetInt64());
        Assert.Equal(JsonValueKind.Null, started.GetProperty("refund").ValueKind);
        Assert.Equal(TimeSpan.FromHours(5.5), started.GetProperty("createdAt").GetDateTimeOffset().Offset);

        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal("CAPTURED", (await shoppers[0].GetJsonAsync($"/api/bookings/{id}/payments"))[0].GetProperty("status").GetString());

        using (var cancel = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        await Reconciling.UntilSettledAsync(_app);
        var refunded = (await shoppers[0].GetJsonAsync($"/api/bookings/{id}/payments"))[0];
        Assert.Equal("REFUNDED", refunded.GetProperty("status").GetString());
        var refund = refunded.GetProperty("refund");
        Assert.Equal("COMPLETED", refund.GetProperty("status").GetString());
        Assert.Equal((await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("refund").GetProperty("amount").GetInt64(), refund.GetProperty("amount").GetInt64());
        Assert.Equal(TimeSpan.FromHours(5.5), refund.GetProperty("completedAt").GetDateTimeOffset().Offset);

        await shoppers[1].GetProblemAsync($"/api/bookings/{id}/payments", HttpStatusCode.NotFound);
        await shoppers[0].GetProblemAsync($"/api/bookings/{Guid.NewGuid()}/payments", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_bookings_list_says_what_cancelling_each_booking_would_refund_and_until_when()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (paid, payment) = await PendingPaymentAsync(shoppers[2], show, "A5");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        var unpaid = await BookAsync(shoppers[2], await HoldAsync(shoppers[2], show, "A6"));
        var startsAt = (await _anonymous.GetJsonAsync($"/api/shows/{show}")).GetProperty("startsAt").GetDateTimeOffset();

        JsonElement Cancellation(JsonElement list, JsonElement booking) => list.GetProperty("items").EnumerateArray()
            .Single(b => b.GetProperty("id").GetString() == booking.GetProperty("id").GetString()).GetProperty("cancellation");
        var list = await shoppers[2].GetJsonAsync("/api/bookings?pageSize=100");
        var ofPaid = Cancellation(list, paid);
        Assert.True(ofPaid.GetProperty("allowed").GetBoolean());
        Assert.Equal(paid.GetProperty("price").GetProperty("seats").GetInt64() * 3 / 4, ofPaid.GetProperty("refund").GetInt64());
        Assert.Equal(startsAt.AddHours(-2), ofPaid.GetProperty("until").GetDateTimeOffset());
        Assert.Equal(startsAt.Offset, ofPaid.GetProperty("until").GetDateTimeOffset().Offset);
        var ofUnpaid = Cancellation(list, unpaid);
        Assert.True(ofUnpaid.GetProperty("allowed").GetBoolean());
        Assert.Equal(0, ofUnpaid.GetProperty("refund").GetInt64());

        // What the list promised is what a cancellation gives.
        using (var cancel = await shoppers[2].PostAsync(new Uri($"/api/bookings/{paid.GetProperty("id").GetString()}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(ofPaid.GetProperty("refund").GetInt64(), (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("refund").GetProperty("amount").GetInt64());
        }

        Assert.False(Cancellation(await shoppers[2].GetJsonAsync("/api/bookings?pageSize=100"), paid).GetProperty("allowed").GetBoolean());
    }

    private Task<PaymentStatus> PaymentStatusAsync(JsonElement payment)
    {
        var id = payment.GetProperty("paymentId").GetGuid();
        return _app.WithDbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());
    }

    private static async Task<string?> StatusAsync(HttpClient shopper, string? bookingId) =>
        (await shopper.GetJsonAsync($"/api/bookings/{bookingId}")).GetProperty("status").GetString();

    private static async Task<JsonElement> StartWithKeyAsync(HttpClient shopper, string bookingId, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/bookings/{bookingId}/payments", UriKind.Relative));
        request.Headers.Add("Idempotency-Key", key);
        using var response = await shopper.SendAsync(request);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private async Task<HttpResponseMessage> WebhookAsync(byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/payments/webhooks/sandbox", UriKind.Relative))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.Add(SandboxGateway.SignatureHeader, signature);
        }

        return await _anonymous.SendAsync(request);
    }

    private static byte[] Event(string id, string type, string orderId, string paymentId) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        id,
        @event = type,
        payload = new { payment = new { entity = new { id = paymentId, order_id = orderId, status = type == "payment.captured" ? "captured" : "failed" } } },
    });

    private Task<int> SweepAsync() => _app.Services.GetRequiredService<BookingExpiryService>().SweepAsync(CancellationToken.None);
}

public sealed class SqlitePaymentsApiTests(SqliteAppFixture fixture) : PaymentsApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresPaymentsApiTests(PostgresAppFixture fixture) : PaymentsApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisPaymentsApiTests(RedisAppFixture fixture) : PaymentsApiTests(fixture), IClassFixture<RedisAppFixture>;
