using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Payments;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Payments;

/// <summary>
/// The money invariants through faults injected at the step they are about: the gateway timing out or failing (before
/// acting, or after acting with its answer lost), the database failing at a chosen statement or commit, a process
/// stopped between two steps. After recovery and the reconciler, every captured payment has ended in exactly one of a
/// confirmed booking or one full refund, asserted in the database and in the gateway's own books.
/// </summary>
public abstract partial class MoneyFaultTests : BookingsApiTestsBase
{
    private readonly AppFixture _fixture;
    private readonly MovieBookingApp _app;
    private readonly HttpClient _anonymous;

    protected MoneyFaultTests(AppFixture fixture)
        : base(fixture)
    {
        _fixture = fixture;
        _app = fixture.App;
        _anonymous = fixture.Client;
        // Each test injects its own faults; none left over from another.
        Database.Clear();
        Gateway.Clear();
    }

    private DatabaseFaults Database => ((IFaultFixture)_fixture).Database;

    private SandboxFaults Gateway => _app.Services.GetRequiredService<SandboxFaults>();

    [Fact]
    public async Task A_refund_the_gateway_times_out_on_is_owed_at_once_and_completed_by_the_reconciler()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = await PaidBookingAsync(_app, shoppers[0], show, "A1", "A2");

        Gateway.Inject(SandboxStep.Refund, SandboxFault.Timeout);
        using (var cancel = await CancelAsync(shoppers[0], paid.BookingId))
        {
            var cancelled = await cancel.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("CANCELLED", cancelled.GetProperty("status").GetString());
            Assert.Equal(paid.QuotedRefund, cancelled.GetProperty("refund").GetProperty("amount").GetInt64());
        }

        // The debt is on record with the cancellation; the seats are free; nothing was refunded yet.
        Assert.Equal(PaymentStatus.RefundPending, (await PaymentAsync(paid.PaymentId)).Status);
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["A1"]);
        Assert.Equal(0, await RefundsAtGatewayAsync(paid.OrderId));

        await Reconciling.UntilSettledAsync(_app);
        await AssertRefundedOnceAsync(paid, paid.QuotedRefund);
    }

    [Fact]
    public async Task A_refund_made_whose_answer_was_lost_is_found_at_the_gateway_and_never_made_twice()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = await PaidBookingAsync(_app, shoppers[0], show, "A3");

        Gateway.Inject(SandboxStep.Refund, SandboxFault.TimeoutAfterDone);
        using (var cancel = await CancelAsync(shoppers[0], paid.BookingId))
        {
            Assert.Equal("CANCELLED", (await cancel.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        Assert.Equal(1, await RefundsAtGatewayAsync(paid.OrderId));
        // Asking again (a retried cancel, then the reconciler) finds the refund instead of making a second.
        using (var again = await CancelAsync(shoppers[0], paid.BookingId))
        {
            Assert.Equal("REFUNDED", (await again.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await Reconciling.UntilSettledAsync(_app);
        await AssertRefundedOnceAsync(paid, paid.QuotedRefund);
    }

    [Fact]
    public async Task A_database_failure_after_a_cancellation_commits_is_a_503_and_the_retried_cancel_completes_the_refund()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = await PaidBookingAsync(_app, shoppers[0], show, "A4");

        // The first statement of sending the refund (reading the payment owed) fails, after the cancellation committed.
        Database.FailCommands(sql => sql.Contains("refund_id", StringComparison.Ordinal) && sql.Contains("SELECT", StringComparison.Ordinal));
        using (var cancel = await CancelAsync(shoppers[0], paid.BookingId))
        {
            var problem = await cancel.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("database", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(cancel.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The answer says when to retry.");
        }

        Assert.Equal(0, Database.Pending);
        Assert.Equal((BookingStatus.Cancelled, PaymentStatus.RefundPending), await StatusesAsync(paid));

        using (var retried = await CancelAsync(shoppers[0], paid.BookingId))
        {
            Assert.Equal("REFUNDED", (await retried.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await AssertRefundedOnceAsync(paid, paid.QuotedRefund);
    }

    [Fact]
    public async Task A_failure_at_the_commit_of_a_cancellation_changes_nothing_and_the_cancel_can_be_retried()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = await PaidBookingAsync(_app, shoppers[0], show, "A5");

        Database.FailNextCommit();
        using (var cancel = await CancelAsync(shoppers[0], paid.BookingId))
        {
            await cancel.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        }

        Assert.Equal((BookingStatus.Confirmed, PaymentStatus.Captured), await StatusesAsync(paid));
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["A5"]);
        Assert.Equal(0, await RefundsAtGatewayAsync(paid.OrderId));

        using (var retried = await CancelAsync(shoppers[0], paid.BookingId))
        {
            Assert.Equal("REFUNDED", (await retried.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await AssertRefundedOnceAsync(paid, paid.QuotedRefund);
    }

    [Fact]
    public async Task A_failure_at_the_commit_of_a_holds_extension_starts_no_payment_and_the_payment_can_be_started_again()
    {
        var (show, shoppers) = await FreshShowAsync();
        var booking = await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "C4", "C5"));
        var bookingId = booking.GetProperty("id").GetGuid();
        var held = booking.GetProperty("expiresAt").GetDateTimeOffset();

        // The database fails as the longer hold commits: the payment is not started and nothing of the extension stands.
        Database.FailNextCommit();
        using (var failed = await shoppers[0].PostAsync(new Uri($"/api/bookings/{bookingId}/payments", UriKind.Relative), null))
        {
            await failed.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        }

        var unchanged = await BookingAsync(bookingId);
        Assert.Equal((held, false), (unchanged.ExpiresAt, unchanged.HoldExtended));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Payments.CountAsync(p => p.BookingId == bookingId)));
        var showId = Guid.Parse(show);
        var seatExpiries = await _app.WithDbAsync(db => db.ShowSeats.Where(s => s.ShowId == showId && (s.SeatId == "C4" || s.SeatId == "C5"))
            .Select(s => s.HoldExpiresAt).ToListAsync());
        Assert.All(seatExpiries, expiry => Assert.Equal(held, expiry));

        // Started again, the payment extends the hold once and confirms the booking; no money is owed back.
        using (var started = await shoppers[0].PostAsync(new Uri($"/api/bookings/{bookingId}/payments", UriKind.Relative), null))
        {
            var payment = await started.ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(held.AddMinutes(5), (await BookingAsync(bookingId)).ExpiresAt);
            await SandboxPayAsync(_anonymous, payment.GetProperty("orderId").GetString()!);
        }

        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["C4"]);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Payments.CountAsync(p => p.BookingId == bookingId && p.RefundId != null)));
    }

    [Fact]
    public async Task A_confirmation_failing_at_its_invoice_takes_no_number_and_the_reconciler_confirms_it_with_the_next()
    {
        var (show, shoppers) = await FreshShowAsync();
        var first = await PaidBookingAsync(_app, shoppers[0], show, "C1");

        // The gateway takes the money; the database fails at the last step of the confirming transaction (the invoice).
        var (booking, payment) = await PendingPaymentAsync(shoppers[1], show, "C2");
        var bookingId = booking.GetProperty("id").GetGuid();
        Database.FailCommands(sql => sql.Contains("INSERT INTO", StringComparison.Ordinal) && sql.Contains("invoices", StringComparison.Ordinal), times: 1);
        Assert.Equal("captured", (await SandboxPayAsync(_anonymous, payment.GetProperty("orderId").GetString()!)).GetProperty("status").GetString());
        Database.Clear();

        // Nothing of the confirmation stands: not the booking's status, not the sale, not the ticket, not a number.
        Assert.Equal(BookingStatus.PendingPayment, (await BookingAsync(bookingId)).Status);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Invoices.CountAsync(i => i.BookingId == bookingId)));
        Assert.NotEqual("BOOKED", (await SeatMapAsync(show))["C2"]);

        // Another sale takes the next number meanwhile; then the reconciler settles the stranded payment.
        var third = await PaidBookingAsync(_app, shoppers[2], show, "C3");
        await Reconciling.UntilSettledAsync(_app);

        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Captured, (await PaymentAsync(payment.GetProperty("paymentId").GetGuid())).Status);
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["C2"]);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await RefundsAtGatewayAsync(payment.GetProperty("orderId").GetString()!));
        var ids = new[] { first.BookingId, bookingId, third.BookingId };
        var numbers = await _app.WithDbAsync(db => db.Invoices.Where(i => ids.Contains(i.BookingId))
            .Select(i => new { i.BookingId, i.Number }).ToListAsync());
        Assert.Equal([1L, 2L, 3L], numbers.Select(n => n.Number).Order());
        Assert.Equal(3L, numbers.Single(n => n.BookingId == bookingId).Number);
    }

    [Fact]
    public async Task A_payment_the_service_failed_to_record_is_found_by_the_reconciler_and_confirms_its_expired_booking()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "B1");
        var orderId = payment.GetProperty("orderId").GetString()!;

        // The gateway takes the money; the database fails whenever the service would record it (every delivery of the
        // webhook, every round of the reconciler), and the client's answer is lost with its connection.
        Database.FailCommands(sql => sql.Contains("payment_events", StringComparison.Ordinal) || ReconcilerQuery().IsMatch(sql), times: 1_000);
        Assert.Equal("captured", (await SandboxPayAsync(_anonymous, orderId)).GetProperty("status").GetString());
        var bookingId = booking.GetProperty("id").GetGuid();
        Assert.Equal(BookingStatus.PendingPayment, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Created, (await PaymentAsync(payment.GetProperty("paymentId").GetGuid())).Status);

        // Asking again gives the same signed payment, as the gateway keeps it.
        var again = await SandboxPayAsync(_anonymous, orderId);
        Assert.Equal("captured", again.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(again.GetProperty("signature").GetString()));

        // The booking lapses before anyone looks again; then the database is back and the reconciler asks the gateway.
        _app.Time.Advance(TimeSpan.FromMinutes(11)); // past the expiry its payment's start extended
        await _app.Services.GetRequiredService<BookingExpiryService>().SweepAsync(CancellationToken.None);
        Assert.Equal(BookingStatus.Expired, (await BookingAsync(bookingId)).Status);
        Database.Clear();
        await Reconciling.UntilSettledAsync(_app);

        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Captured, (await PaymentAsync(payment.GetProperty("paymentId").GetGuid())).Status);
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["B1"]);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await RefundsAtGatewayAsync(orderId));
    }

    [Fact]
    public async Task A_payment_taken_after_its_seat_was_resold_while_webhooks_were_lost_is_refunded_in_full_by_the_reconciler()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (late, latePayment) = await PendingPaymentAsync(shoppers[0], show, "B2");
        _app.Time.Advance(TimeSpan.FromMinutes(11)); // past the expiry its payment's start extended
        await _app.Services.GetRequiredService<BookingExpiryService>().SweepAsync(CancellationToken.None);
        var resold = await PaidBookingAsync(_app, shoppers[1], show, "B2");

        Gateway.InjectWebhook(WebhookFault.Lose);
        var orderId = latePayment.GetProperty("orderId").GetString()!;
        await SandboxPayAsync(_anonymous, orderId);
        await Reconciling.UntilSettledAsync(_app);

        var lateBooking = await BookingAsync(late.GetProperty("id").GetGuid());
        Assert.Equal(BookingStatus.Refunded, lateBooking.Status);
        Assert.Equal(late.GetProperty("price").GetProperty("total").GetInt64(), lateBooking.RefundAmount);
        Assert.Equal(PaymentStatus.Refunded, (await PaymentAsync(latePayment.GetProperty("paymentId").GetGuid())).Status);
        Assert.Equal(1, await RefundsAtGatewayAsync(orderId));
        Assert.Equal((BookingStatus.Confirmed, PaymentStatus.Captured), await StatusesAsync(resold));
        var showId = Guid.Parse(show);
        Assert.Equal(1, await _app.WithDbAsync(db => db.BookingSeats.CountAsync(s => s.ShowId == showId && s.SeatId == "B2" && s.Sold)));
    }

    [Fact]
    public async Task A_capture_cut_short_by_a_stopped_process_is_settled_by_another_instance()
    {
        var (show, _) = await FreshShowAsync();
        var faults = new DatabaseFaults(_fixture.StoreName != "SQLite");
        Guid bookingId, paymentId;
        string orderId;
        await using (var doomed = new MovieBookingApp(_fixture.Settings, services => services.AddSingleton<IInterceptor>(faults)))
        {
            doomed.Time.SetUtcNow(_app.Time.GetUtcNow());
            var shopper = (await Shoppers.CreateAsync(doomed, 1))[0];
            var (booking, payment) = await PendingPaymentAsync(shopper, show, "C1");
            bookingId = booking.GetProperty("id").GetGuid();
            paymentId = payment.GetProperty("paymentId").GetGuid();
            orderId = payment.GetProperty("orderId").GetString()!;

            // The process dies between recording the capture and confirming the booking: nothing of it runs after.
            faults.FailCommands(sql => sql.Contains("UPDATE", StringComparison.Ordinal) && sql.Contains("bookings", StringComparison.Ordinal)
                && sql.Contains("payment_id", StringComparison.Ordinal), times: 1_000);
            using var anonymous = doomed.CreateClient();
            await SandboxPayAsync(anonymous, orderId);
            Assert.Equal(PaymentStatus.Settling, (await PaymentAsync(paymentId)).Status);
        }

        await using var survivor = new MovieBookingApp(_fixture.Settings);
        survivor.Time.SetUtcNow(_app.Time.GetUtcNow());
        await Reconciling.UntilSettledAsync(survivor);

        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Captured, (await PaymentAsync(paymentId)).Status);
        Assert.Equal("BOOKED", (await SeatMapAsync(show))["C1"]);
        Assert.Equal(0, await RefundsAtGatewayAsync(orderId));
    }

    [Fact]
    public async Task Two_instances_reconciling_at_once_handle_each_stranded_refund_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = new List<PaidBooking>();
        foreach (var seat in new[] { "A1", "A2", "A3", "B1", "B2", "B3" })
        {
            var booking = await PaidBookingAsync(_app, shoppers[paid.Count], show, seat);
            Gateway.Inject(SandboxStep.Refund, SandboxFault.ServerError);
            using var cancel = await CancelAsync(shoppers[paid.Count], booking.BookingId);
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
            paid.Add(booking);
        }

        await using var other = new MovieBookingApp(_fixture.Settings);
        var now = _app.Time.GetUtcNow();
        other.Time.SetUtcNow(now);
        var timing = new ReconcilerTiming(TimeSpan.FromMinutes(1), TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        var due = await _app.WithDbAsync(db => db.Payments.CountAsync(p =>
            (p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Settling || p.Status == PaymentStatus.RefundPending
                || (p.Status == PaymentStatus.Failed && p.CreatedAt >= now.AddDays(-1)))
            && (p.NextCheckAt == null || p.NextCheckAt <= now)));
        Assert.True(due >= paid.Count);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rounds = new[] { _app, other }.Select(app => Task.Run(async () =>
        {
            await start.Task;
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PaymentService>().ReconcileAsync(timing, CancellationToken.None);
        })).ToList();
        start.SetResult();
        var handled = await Task.WhenAll(rounds);

        // Every payment due was claimed by exactly one of the two.
        Assert.Equal(due, handled.Sum());
        foreach (var booking in paid)
        {
            await AssertRefundedOnceAsync(booking, booking.QuotedRefund);
        }
    }

    [Fact]
    public async Task A_declined_payment_confirms_nothing_and_takes_nothing_whatever_is_retried()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A1");
        var orderId = payment.GetProperty("orderId").GetString()!;
        Gateway.InjectWebhook(WebhookFault.Duplicate);
        using (var declined = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome = "failure" }))
        {
            var answer = await declined.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("failed", answer.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, answer.GetProperty("signature").ValueKind);
        }

        await Reconciling.UntilSettledAsync(_app);
        var bookingId = booking.GetProperty("id").GetGuid();
        Assert.Equal(BookingStatus.Failed, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Failed, (await PaymentAsync(payment.GetProperty("paymentId").GetGuid())).Status);
        Assert.Equal("AVAILABLE", (await SeatMapAsync(show))["A1"]);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await RefundsAtGatewayAsync(orderId));
    }

    [Fact]
    public async Task Debts_that_earlier_versions_left_on_bookings_alone_are_settled_by_the_reconciler()
    {
        var (show, shoppers) = await FreshShowAsync();
        var unsent = await PaidBookingAsync(_app, shoppers[0], show, "B1");
        var unmarked = await PaidBookingAsync(_app, shoppers[1], show, "B2");
        var now = _app.Time.GetUtcNow();

        // As the earlier code left them: a cancellation that recorded its refund on the booking only, the payment still
        // CAPTURED and the refund never sent; and a refund completed for the payment while its booking stayed CANCELLED.
        await _app.WithDbAsync(db => db.Bookings.Where(b => b.Id == unsent.BookingId || b.Id == unmarked.BookingId)
            .ExecuteUpdateAsync(b => b.SetProperty(x => x.Status, BookingStatus.Cancelled).SetProperty(x => x.RefundAmount, x => x.SeatTotal)
                .SetProperty(x => x.RefundReason, "Cancelled by the customer.").SetProperty(x => x.CancelledAt, now)));
        // Their sales were taken back in the cancellation's transaction, as then.
        await _app.WithDbAsync(db => db.BookingSeats.Where(s => s.BookingId == unsent.BookingId || s.BookingId == unmarked.BookingId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, false)));
        await _app.WithDbAsync(db => db.ShowSeats.Where(s => s.BookingId == unsent.BookingId || s.BookingId == unmarked.BookingId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, MovieBooking.Api.Seating.SeatStatus.Available).SetProperty(x => x.BookingId, (Guid?)null)));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
            var payment = await PaymentAsync(unmarked.PaymentId);
            var made = await gateway.RefundAsync(payment.GatewayPaymentId!, unmarked.SeatTotal, payment.Currency, $"refund-{payment.Id:N}", CancellationToken.None);
            await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == unmarked.PaymentId).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, PaymentStatus.Refunded).SetProperty(x => x.RefundAmount, unmarked.SeatTotal).SetProperty(x => x.RefundId, made.RefundId)));
        }

        await Reconciling.UntilSettledAsync(_app);
        await AssertRefundedOnceAsync(unsent, unsent.SeatTotal);
        await AssertRefundedOnceAsync(unmarked, unmarked.SeatTotal);
    }

    [Fact]
    public async Task Webhooks_delayed_duplicated_and_out_of_order_settle_a_payment_once()
    {
        var (show, shoppers) = await FreshShowAsync();
        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "A3");
        var orderId = payment.GetProperty("orderId").GetString()!;

        // A declined attempt whose webhook comes two minutes late, then a successful one whose webhook comes twice.
        Gateway.InjectWebhook(WebhookFault.Delay, delay: TimeSpan.FromMinutes(2));
        using (var declined = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome = "failure" }))
        {
            await declined.ReadJsonAsync(HttpStatusCode.OK);
        }

        var bookingId = booking.GetProperty("id").GetGuid();
        Assert.Equal(BookingStatus.PendingPayment, (await BookingAsync(bookingId)).Status);
        Gateway.InjectWebhook(WebhookFault.Duplicate);
        await SandboxPayAsync(_anonymous, orderId);
        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);

        // The failure arrives last: the gateway's record says paid, so it changes nothing.
        _app.Time.Advance(TimeSpan.FromMinutes(2));
        var sender = _app.Services.GetRequiredService<SandboxWebhookSender>();
        for (var round = 0; round < 20 && await _app.WithDbAsync(db => db.SandboxWebhooks.CountAsync(w => w.OrderId == orderId && w.DeliveredAt == null)) > 0; round++)
        {
            // The instance's own sender may have claimed it first; its claim lapses after 30 s.
            await sender.DeliverDueAsync(orderId, CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            _app.Time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Equal(0, await _app.WithDbAsync(db => db.SandboxWebhooks.CountAsync(w => w.OrderId == orderId && w.DeliveredAt == null)));
        Assert.Equal(3, await _app.WithDbAsync(db => db.SandboxWebhooks.CountAsync(w => w.OrderId == orderId)));
        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(bookingId)).Status);
        Assert.Equal(PaymentStatus.Captured, (await PaymentAsync(payment.GetProperty("paymentId").GetGuid())).Status);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Tickets.CountAsync(t => t.BookingId == bookingId)));
        Assert.Equal(0, await RefundsAtGatewayAsync(orderId));
    }

    [Fact]
    public async Task A_gateway_that_fails_to_create_an_order_is_a_503_and_the_booking_can_still_be_paid()
    {
        var (show, shoppers) = await FreshShowAsync();
        var booking = await BookAsync(shoppers[0], await HoldAsync(shoppers[0], show, "A2"));
        var id = booking.GetProperty("id").GetString();

        Gateway.Inject(SandboxStep.CreateOrder, SandboxFault.ServerError);
        using (var failed = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            var problem = await failed.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("payment gateway", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var retried = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null);
        var payment = await retried.ReadJsonAsync(HttpStatusCode.Created);
        await SandboxPayAsync(_anonymous, payment.GetProperty("orderId").GetString()!);
        Assert.Equal(BookingStatus.Confirmed, (await BookingAsync(Guid.Parse(id!))).Status);
    }

    /// <summary>The reconciler's search for payments to drive on (and nothing the tests read).</summary>
    [System.Text.RegularExpressions.GeneratedRegex("next_check_at\"? IS NULL")]
    private static partial System.Text.RegularExpressions.Regex ReconcilerQuery();

    /// <summary>A paid booking, and the refund its customer's cancellation is quoted now (the policy's tier for the time left).</summary>
    private sealed record PaidBooking(Guid BookingId, Guid PaymentId, string OrderId, long SeatTotal, long Total, long QuotedRefund);

    private static async Task<PaidBooking> PaidBookingAsync(MovieBookingApp app, HttpClient shopper, string show, params string[] seats)
    {
        var (booking, payment) = await PendingPaymentAsync(shopper, show, seats);
        using var anonymous = app.CreateClient();
        var orderId = payment.GetProperty("orderId").GetString()!;
        await SandboxPayAsync(anonymous, orderId);
        var id = booking.GetProperty("id").GetGuid();
        Assert.Equal("CONFIRMED", (await shopper.GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        var price = booking.GetProperty("price");
        var quote = await shopper.GetJsonAsync($"/api/bookings/{id}/cancellation");
        Assert.True(quote.GetProperty("allowed").GetBoolean());
        return new PaidBooking(id, payment.GetProperty("paymentId").GetGuid(), orderId, price.GetProperty("seats").GetInt64(), price.GetProperty("total").GetInt64(),
            quote.GetProperty("refund").GetInt64());
    }

    private static async Task<JsonElement> SandboxPayAsync(HttpClient client, string orderId)
    {
        using var response = await client.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome = "success" });
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> CancelAsync(HttpClient shopper, Guid bookingId) =>
        shopper.PostAsync(new Uri($"/api/bookings/{bookingId}/cancel", UriKind.Relative), null);

    private Task<Booking> BookingAsync(Guid id) => _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == id));

    private Task<Payment> PaymentAsync(Guid id) => _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id));

    private async Task<(BookingStatus, PaymentStatus)> StatusesAsync(PaidBooking paid) =>
        ((await BookingAsync(paid.BookingId)).Status, (await PaymentAsync(paid.PaymentId)).Status);

    private Task<int> RefundsAtGatewayAsync(string orderId) => _app.WithDbAsync(db => db.SandboxRefunds.CountAsync(r => r.OrderId == orderId));

    /// <summary>The booking and its payment are REFUNDED together, and the gateway made exactly one refund of the amount.</summary>
    private async Task AssertRefundedOnceAsync(PaidBooking paid, long amount)
    {
        var booking = await BookingAsync(paid.BookingId);
        var payment = await PaymentAsync(paid.PaymentId);
        Assert.Equal(BookingStatus.Refunded, booking.Status);
        Assert.Equal(amount, booking.RefundAmount);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(amount, payment.RefundAmount);
        var refunds = await _app.WithDbAsync(db => db.SandboxRefunds.Where(r => r.OrderId == paid.OrderId).ToListAsync());
        var refund = Assert.Single(refunds);
        Assert.Equal(amount, refund.Amount);
        Assert.Equal(refund.RefundId, payment.RefundId);
        Assert.Equal(0, await _app.WithDbAsync(db => db.BookingSeats.CountAsync(s => s.BookingId == paid.BookingId && s.Sold)));
    }
}

/// <summary>A fixture whose app runs with <see cref="DatabaseFaults"/> among its database interceptors.</summary>
public interface IFaultFixture
{
    DatabaseFaults Database { get; }
}

public sealed class SqliteFaultFixture : SqliteAppFixture, IFaultFixture
{
    public DatabaseFaults Database { get; } = new(postgres: false);

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Database);
}

public sealed class PostgresFaultFixture : PostgresAppFixture, IFaultFixture
{
    public DatabaseFaults Database { get; } = new(postgres: true);

    public override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(Database);
}

public sealed class SqliteMoneyFaultTests(SqliteFaultFixture fixture) : MoneyFaultTests(fixture), IClassFixture<SqliteFaultFixture>;

public sealed class PostgresMoneyFaultTests(PostgresFaultFixture fixture) : MoneyFaultTests(fixture), IClassFixture<PostgresFaultFixture>;
