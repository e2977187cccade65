using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Payments;

namespace MovieBooking.Tests.Infrastructure;

public static class Reconciling
{
    /// <summary>
    /// Moves the clock past the point where half-done payments count as stranded and runs the reconciler until no payment
    /// is left in a state that is not final. The instance's own background round may run too (both are guarded and
    /// claim what they handle), so it waits for that one as well, boundedly.
    /// </summary>
    public static async Task UntilSettledAsync(MovieBookingApp app)
    {
        var reconciler = app.Services.GetRequiredService<PaymentReconciler>();
        var webhooks = app.Services.GetRequiredService<SandboxWebhookSender>();
        app.Time.Advance(reconciler.Timing.StrandedAfter + TimeSpan.FromSeconds(1));
        for (var round = 0; round < 100; round++)
        {
            await webhooks.DeliverDueAsync(null, CancellationToken.None);
            await reconciler.ReconcileAsync(CancellationToken.None);
            // Money taken and not yet settled: captured at the gateway and still CREATED, settling, or owed back.
            var open = await app.WithDbAsync(db => db.Payments.CountAsync(p =>
                p.Status == PaymentStatus.Settling || p.Status == PaymentStatus.RefundPending
                || ((p.Status == PaymentStatus.Created || p.Status == PaymentStatus.Failed)
                    && db.SandboxOrders.Any(o => o.OrderId == p.OrderId && o.Status == SandboxOrderStatus.Paid && o.PaymentId != null))));
            if (open == 0)
            {
                return;
            }

            // A claim held by the background round lapses after Timing.Claim, and an unpaid order is asked about again
            // after a while; give the background round time to finish, then move on to the next look.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            app.Time.Advance(reconciler.Timing.Claim);
        }

        Assert.Fail("Payments were still settling or owed back after the reconciler's rounds.");
    }
}
