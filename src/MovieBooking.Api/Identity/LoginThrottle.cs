using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Identity;

/// <summary>
/// Refuses sign-in for an account name after too many failures in a sliding window, whether or not the account
/// exists. Failures live in the database, so every instance of the service counts the same ones.
/// </summary>
public sealed class LoginThrottle(MovieBookingDb db, IOptions<RateLimitingOptions> options, TimeProvider time)
{
    /// <summary>How long the account name must wait before trying again, or null when it may try now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var policy = options.Value.LoginFailures;
        var now = time.GetUtcNow();
        var since = now - policy.Window;
        var failures = await db.LoginFailures
            .Where(f => f.NormalizedEmail == normalizedEmail && f.FailedAt > since)
            .OrderByDescending(f => f.FailedAt)
            .Select(f => f.FailedAt)
            .Take(policy.PermitLimit)
            .ToListAsync(cancellationToken);
        if (failures.Count < policy.PermitLimit)
        {
            return null;
        }

        // The window frees up when the oldest of the last PermitLimit failures leaves it.
        return failures[^1] + policy.Window - now;
    }

    public async Task RecordFailureAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var before = now - options.Value.LoginFailures.Window;
        await db.LoginFailures.Where(f => f.NormalizedEmail == normalizedEmail && f.FailedAt <= before).ExecuteDeleteAsync(cancellationToken);
        db.LoginFailures.Add(new LoginFailure { NormalizedEmail = normalizedEmail, FailedAt = now });
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task ResetAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        db.LoginFailures.Where(f => f.NormalizedEmail == normalizedEmail).ExecuteDeleteAsync(cancellationToken);
}
