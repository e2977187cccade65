using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Delivers the sandbox gateway's webhooks as a gateway does: when due, signed, through the service's webhook handling,
/// and again with a growing delay until the service accepts them. Safe with several instances: each delivery is
/// claimed first, and the service handles an event twice as once.
/// </summary>
public sealed partial class SandboxWebhookSender(IServiceScopeFactory scopes, TimeProvider time, ILogger<SandboxWebhookSender> logger)
    : PeriodicService(time, logger)
{
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override string JobName => "Delivering sandbox webhooks";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => DeliverDueAsync(null, cancellationToken);

    /// <summary>Delivers the webhooks due now (of one order, or all); returns how many the service accepted.</summary>
    public async Task<int> DeliverDueAsync(string? orderId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var now = Time.GetUtcNow();
        var due = await db.SandboxWebhooks.AsNoTracking()
            .Where(w => w.DeliveredAt == null && w.DueAt <= now && (orderId == null || w.OrderId == orderId))
            .OrderBy(w => w.DueAt).ThenBy(w => w.Id).Take(100)
            .ToListAsync(cancellationToken);
        var accepted = 0;
        foreach (var webhook in due)
        {
            var claimed = await db.SandboxWebhooks
                .Where(w => w.Id == webhook.Id && w.DeliveredAt == null && w.DueAt == webhook.DueAt)
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.DueAt, now + Claim).SetProperty(x => x.Attempts, x => x.Attempts + 1), cancellationToken);
            if (claimed == 1 && await DeliverAndRecordAsync(db, webhook, cancellationToken))
            {
                accepted++;
            }
        }

        return accepted;
    }

    /// <summary>
    /// Delivers an order's webhooks at once, as its checkout answers: every one not yet accepted, unless it is being held
    /// back (a delay asked of the sandbox). One another instance is delivering right now is delivered again, which the
    /// service takes as once, so the booking is settled when the checkout returns.
    /// </summary>
    public async Task<int> DeliverNowAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var now = Time.GetUtcNow();
        var pending = await db.SandboxWebhooks.AsNoTracking()
            .Where(w => w.OrderId == orderId && w.DeliveredAt == null && (w.DueAt <= now || w.Attempts > 0))
            .OrderBy(w => w.Id)
            .ToListAsync(cancellationToken);
        var accepted = 0;
        foreach (var webhook in pending)
        {
            await db.SandboxWebhooks.Where(w => w.Id == webhook.Id).ExecuteUpdateAsync(w => w.SetProperty(x => x.Attempts, x => x.Attempts + 1), cancellationToken);
            if (await DeliverAndRecordAsync(db, webhook, cancellationToken))
            {
                accepted++;
            }
        }

        return accepted;
    }

    private async Task<bool> DeliverAndRecordAsync(MovieBookingDb db, SandboxWebhook webhook, CancellationToken cancellationToken)
    {
        if (await DeliverAsync(webhook, cancellationToken))
        {
            await db.SandboxWebhooks.Where(w => w.Id == webhook.Id)
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.DeliveredAt, Time.GetUtcNow()), cancellationToken);
            return true;
        }

        var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, webhook.Attempts + 1), MaxBackoff.TotalSeconds));
        await db.SandboxWebhooks.Where(w => w.Id == webhook.Id && w.DeliveredAt == null)
            .ExecuteUpdateAsync(w => w.SetProperty(x => x.DueAt, Time.GetUtcNow() + backoff), cancellationToken);
        return false;
    }

    private async Task<bool> DeliverAsync(SandboxWebhook webhook, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var sandbox = scope.ServiceProvider.GetRequiredService<SandboxGateway>();
            var payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
            var body = System.Text.Encoding.UTF8.GetBytes(webhook.Body);
            var headers = new HeaderDictionary { [SandboxGateway.SignatureHeader] = sandbox.SignWebhook(body) };
            return await payments.HandleWebhookAsync(body, headers, cancellationToken) is WebhookOutcome.Handled or WebhookOutcome.Duplicate;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeliveryFailed(logger, webhook.EventId, webhook.Attempts + 1, exception);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox webhook {EventId} was not accepted (attempt {Attempt}); it is sent again later")]
    private static partial void LogDeliveryFailed(ILogger logger, string eventId, int attempt, Exception exception);
}
