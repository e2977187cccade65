using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Notifications;

/// <summary>
/// Sends what the outbox holds, in every instance that dispatches: it claims due messages (on PostgreSQL with
/// <c>FOR UPDATE SKIP LOCKED</c>, on SQLite by a conditional update of each one), so each is sent by one instance;
/// it composes and sends each, and marks it sent. A failure is tried again after a wait that doubles with each attempt
/// (with jitter), and after <see cref="NotificationOptions.MaxAttempts"/> the message is marked failed. An instance
/// stopped between sending and marking leaves the message claimed; when the claim lapses it is sent again, with the
/// same Message-ID: delivery is at least once.
/// </summary>
public sealed partial class NotificationDispatcher(
    IServiceScopeFactory scopes, IOptions<NotificationOptions> options, OutboxSignal signal, TimeProvider time, ILogger<NotificationDispatcher> logger)
    : BackgroundService
{
    private NotificationOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more may be due: go again at once.
                if (await DispatchDueAsync(stoppingToken) >= Settings.BatchSize)
                {
                    continue;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRoundFailed(logger, exception);
            }

            await signal.WaitAsync(Settings.PollInterval, stoppingToken);
        }
    }

    /// <summary>
    /// One round: claims the messages due now and sends them, <see cref="NotificationOptions.Concurrency"/> at a time,
    /// each with its own database context; returns how many it claimed. A message whose outcome cannot be written ends
    /// the round, as a stopped instance would: it and the round's unsent messages go again when their claims lapse.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        List<Notification> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            claimed = await ClaimAsync(scope.ServiceProvider.GetRequiredService<MovieBookingDb>(), cancellationToken);
        }

        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Settings.Concurrency, CancellationToken = cancellationToken }, async (notification, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await SendAsync(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<MovieBookingDb>(), notification, token);
        });
        return claimed.Count;
    }

    private async Task<List<Notification>> ClaimAsync(MovieBookingDb db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var until = now + Settings.Lease;
        var batch = Settings.BatchSize;
        if (db.Database.IsNpgsql())
        {
            return await db.Notifications.FromSql($"""
                UPDATE notifications SET due_at = {until}, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM notifications WHERE status = 'PENDING' AND due_at <= {now}
                    ORDER BY due_at LIMIT {batch} FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).AsNoTracking().ToListAsync(cancellationToken);
        }

        var due = await db.Notifications.AsNoTracking()
            .Where(n => n.Status == NotificationStatus.Pending && n.DueAt <= now)
            .OrderBy(n => n.DueAt).Take(batch)
            .ToListAsync(cancellationToken);
        var claimed = new List<Notification>(due.Count);
        foreach (var notification in due)
        {
            // The one writer runs these one at a time: of two instances claiming the same row, one finds it moved on.
            if (await db.Notifications
                    .Where(n => n.Id == notification.Id && n.Status == NotificationStatus.Pending && n.DueAt == notification.DueAt)
                    .ExecuteUpdateAsync(n => n.SetProperty(x => x.DueAt, until).SetProperty(x => x.Attempts, x => x.Attempts + 1), cancellationToken) == 1)
            {
                notification.Attempts++;
                notification.DueAt = until;
                claimed.Add(notification);
            }
        }

        return claimed;
    }

    private async Task SendAsync(IServiceProvider services, MovieBookingDb db, Notification notification, CancellationToken cancellationToken)
    {
        try
        {
            var composed = await services.GetRequiredService<NotificationComposer>().ComposeAsync(notification, cancellationToken);
            if (composed.Skipped is { } reason)
            {
                await FinishAsync(db, notification, NotificationStatus.Skipped, reason, cancellationToken);
                return;
            }

            if (composed.Sms is { } sms)
            {
                await services.GetRequiredService<ISmsSender>().SendAsync(sms, cancellationToken);
            }
            else
            {
                await services.GetRequiredService<IEmailTransport>().SendAsync(composed.Email!, cancellationToken);
            }

            await FinishAsync(db, notification, NotificationStatus.Sent, null, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailedAttemptAsync(db, notification, exception, cancellationToken);
        }
    }

    private async Task FinishAsync(MovieBookingDb db, Notification notification, NotificationStatus status, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Notifications.Where(n => n.Id == notification.Id && n.Status == NotificationStatus.Pending)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.SentAt, status == NotificationStatus.Sent ? now : null)
                .SetProperty(x => x.LastError, reason), cancellationToken);
    }

    private async Task FailedAttemptAsync(MovieBookingDb db, Notification notification, Exception exception, CancellationToken cancellationToken)
    {
        var error = $"{exception.GetType().Name}: {exception.Message}";
        error = error.Length > 500 ? error[..500] : error;
        var last = notification.Attempts >= Settings.MaxAttempts;
        var retryAt = time.GetUtcNow() + Backoff(notification.Attempts);
        LogSendFailed(logger, notification.Kind, notification.Id, notification.Attempts, last ? "marked failed" : $"tried again at {retryAt:O}", exception);
        // Marked whatever this round's token says: a failure recorded late is better than a claim left to lapse.
        await db.Notifications.Where(n => n.Id == notification.Id && n.Status == NotificationStatus.Pending)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, last ? NotificationStatus.Failed : NotificationStatus.Pending)
                .SetProperty(x => x.DueAt, retryAt)
                .SetProperty(x => x.LastError, error), CancellationToken.None);
    }

    /// <summary>The wait after attempt <paramref name="attempt"/> failed: doubling from the first retry, capped, and between half and all of that.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(Settings.FirstRetry.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1)), Settings.LongestRetry.TotalSeconds);
        return TimeSpan.FromSeconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending notifications failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Kind} {NotificationId} was not sent (attempt {Attempt}); {Next}")]
    private static partial void LogSendFailed(ILogger logger, NotificationKind kind, Guid notificationId, int attempt, string next, Exception exception);
}
