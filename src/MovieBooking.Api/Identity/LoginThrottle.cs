using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Identity;

/// <summary>
/// Slows password guessing without letting a stranger lock an account. Failed sign-ins are counted per account name
/// <em>and</em> client address: after <see cref="FailedSignInLimits.FreeFailures"/> of them, that address must wait
/// before trying that account again, twice as long after each further failure (up to
/// <see cref="FailedSignInLimits.MaxDelay"/>), while the owner signing in from anywhere else is not held up. A hard
/// limit per client address (<see cref="FailedSignInLimits.PerClient"/>) stops one address guessing across many
/// accounts. Failures live in the database, so every instance counts the same ones; a success from an address clears
/// that address's failures for the account.
/// </summary>
public sealed class LoginThrottle(MovieBookingDb db, IOptions<RateLimitingOptions> options, TimeProvider time)
{
    /// <summary>Doublings beyond which any configured maximum delay has been reached.</summary>
    private const int MaxDoublings = 30;

    /// <summary>How long this client must wait before trying the account name again, with the reason, or null when it may try now.</summary>
    public async Task<(TimeSpan Wait, string Reason)?> RetryAfterAsync(string normalizedEmail, string client, CancellationToken cancellationToken)
    {
        var limits = options.Value.FailedSignIns;
        var now = time.GetUtcNow();

        var clientSince = now - limits.PerClient.Window;
        var fromClient = await db.LoginFailures
            .Where(f => f.Client == client && f.FailedAt > clientSince)
            .OrderByDescending(f => f.FailedAt)
            .Select(f => f.FailedAt)
            .Skip(limits.PerClient.PermitLimit - 1)
            .FirstOrDefaultAsync(cancellationToken);
        if (fromClient != default)
        {
            // The limit frees up when the oldest of the last PermitLimit failures leaves the window.
            return (fromClient + limits.PerClient.Window - now, "Too many failed sign-ins from this address; try again later.");
        }

        var since = now - limits.Remembered;
        var failures = await db.LoginFailures
            .Where(f => f.NormalizedEmail == normalizedEmail && f.Client == client && f.FailedAt > since)
            .OrderByDescending(f => f.FailedAt)
            .Select(f => f.FailedAt)
            .Take(limits.FreeFailures + MaxDoublings)
            .ToListAsync(cancellationToken);
        if (failures.Count < limits.FreeFailures)
        {
            return null;
        }

        var delay = Delay(failures.Count - limits.FreeFailures, limits.MaxDelay);
        var wait = failures[0] + delay - now;
        return wait > TimeSpan.Zero
            ? (wait, "Too many failed sign-ins for this account from this address; wait before trying again.")
            : null;
    }

    /// <summary>1 s after the first failure past the free ones, doubling with each further failure, at most <paramref name="max"/>.</summary>
    internal static TimeSpan Delay(int beyondFree, TimeSpan max)
    {
        var seconds = Math.Pow(2, Math.Min(beyondFree, MaxDoublings));
        return seconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(seconds);
    }

    public async Task RecordFailureAsync(string normalizedEmail, string client, CancellationToken cancellationToken)
    {
        var limits = options.Value.FailedSignIns;
        var now = time.GetUtcNow();
        var forgotten = now - (limits.Remembered > limits.PerClient.Window ? limits.Remembered : limits.PerClient.Window);
        await db.LoginFailures.Where(f => f.FailedAt <= forgotten).ExecuteDeleteAsync(cancellationToken);
        db.LoginFailures.Add(new LoginFailure { NormalizedEmail = normalizedEmail, Client = client, FailedAt = now });
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task ResetAsync(string normalizedEmail, string client, CancellationToken cancellationToken) =>
        db.LoginFailures.Where(f => f.NormalizedEmail == normalizedEmail && f.Client == client).ExecuteDeleteAsync(cancellationToken);
}
