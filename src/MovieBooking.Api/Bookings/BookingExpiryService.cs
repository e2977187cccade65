using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Bookings;

/// <summary>
/// Moves unpaid bookings past their expiry to EXPIRED and frees their seats. Safe with several instances: each
/// booking changes status in one guarded update, so only one instance expires it.
/// </summary>
internal sealed class BookingExpiryService(
    IServiceScopeFactory scopes, IOptions<BookingOptions> options, TimeProvider time, ILogger<BookingExpiryService> logger)
    : PeriodicService(time, logger)
{
    private const int BatchSize = 200;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string JobName => "Expiring overdue bookings";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    /// <summary>Expires every overdue unpaid booking; returns how many this call expired.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var bookings = scope.ServiceProvider.GetRequiredService<BookingService>();
        var expired = 0;
        while (true)
        {
            var now = Time.GetUtcNow();
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
}
