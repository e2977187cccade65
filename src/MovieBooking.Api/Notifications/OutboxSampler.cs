using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Notifications;

/// <summary>
/// Counts the notifications due and not yet sent, and how long the oldest has waited, every
/// <see cref="SampleInterval"/> for the outbox gauges of <see cref="ServiceMetrics"/>. Runs only where metrics are
/// exported; one indexed query a round.
/// </summary>
public sealed class OutboxSampler(IServiceScopeFactory scopes, ServiceMetrics metrics, TimeProvider time, ILogger<OutboxSampler> logger)
    : PeriodicService(time, logger)
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    protected override TimeSpan Interval => SampleInterval;

    protected override string JobName => "Sampling the notification outbox";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SampleAsync(cancellationToken);

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var now = Time.GetUtcNow();
        var due = db.Notifications.Where(n => n.Status == NotificationStatus.Pending && n.DueAt <= now);
        var depth = await due.LongCountAsync(cancellationToken);
        var oldest = depth == 0 ? null : await due.OrderBy(n => n.DueAt).Select(n => (DateTimeOffset?)n.DueAt).FirstOrDefaultAsync(cancellationToken);
        metrics.OutboxSampled(depth, oldest is { } at ? now - at : TimeSpan.Zero);
    }
}
