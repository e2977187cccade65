using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Bookings;

/// <summary>
/// Moves unpaid bookings past their expiry to EXPIRED and frees their seats. Safe with several instances: each
/// booking changes status in one guarded update, so only one instance expires it.
/// </summary>
internal sealed partial class BookingExpiryService(
    IServiceScopeFactory scopes, IOptions<BookingOptions> options, TimeProvider time, ILogger<BookingExpiryService> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    /// <summary>Expires every overdue unpaid booking; returns how many this call expired.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var expired = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var due = await db.Bookings
                .Where(b => b.Status == BookingStatus.PendingPayment && b.ExpiresAt <= now)
                .OrderBy(b => b.ExpiresAt)
                .Select(b => b.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            foreach (var id in due)
            {
                if (await bookings.ExpireAsync(id, cancellationToken))
                {
                    expired++;
                }
            }

            if (due.Count < BatchSize)
            {
                return expired;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring overdue bookings failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
