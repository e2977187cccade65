using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using StackExchange.Redis;

namespace MovieBooking.Api.Identity;

/// <summary>
/// A revoked session (a sign-in: the refresh-token family its access tokens name in <c>sid</c>) or, with
/// <see cref="BelowVersion"/>, every access token of a user issued before their role changed. Kept until the last
/// access token it could refuse has expired anyway.
/// </summary>
public sealed class Revocation
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }

    /// <summary>The revoked session, or null when the revocation is of token versions.</summary>
    public Guid? SessionId { get; init; }

    /// <summary>Access tokens of the user with a lower <c>ver</c> are refused.</summary>
    public int? BelowVersion { get; init; }

    public DateTimeOffset RecordedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>As announced between instances: <c>userId sessionId|- version|- expiresAtUnixMs</c>.</summary>
    internal string ToNotice() => string.Join(' ', UserId.ToString("N"), SessionId?.ToString("N") ?? "-",
        BelowVersion?.ToString(CultureInfo.InvariantCulture) ?? "-", ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    internal static Revocation? FromNotice(string notice)
    {
        var parts = notice.Split(' ');
        return parts.Length == 4
            && Guid.TryParseExact(parts[0], "N", out var user)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            ? new Revocation
            {
                UserId = user,
                SessionId = Guid.TryParseExact(parts[1], "N", out var session) ? session : null,
                BelowVersion = int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null,
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expires),
            }
            : null;
    }
}

/// <summary>Bound from <c>Sessions</c>.</summary>
public sealed class SessionOptions
{
    public const string Section = "Sessions";

    /// <summary>
    /// How often each instance reads revocations recorded by the others. With Redis, revocations are also announced
    /// at once; the reading catches any announcement lost while Redis was unreachable.
    /// </summary>
    public TimeSpan RevocationPoll { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The revocations every instance holds in memory, so checking a request's access token never touches the database:
/// revoked sessions, and per user the lowest token version still accepted.
/// </summary>
public sealed class RevokedSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _sessions = new();
    private readonly ConcurrentDictionary<Guid, (int Version, DateTimeOffset ExpiresAt)> _versions = new();

    public bool Refuses(Guid sessionId, Guid userId, int version) =>
        _sessions.ContainsKey(sessionId) || (_versions.TryGetValue(userId, out var lowest) && version < lowest.Version);

    public void Apply(Revocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        if (revocation.SessionId is { } session)
        {
            _sessions[session] = revocation.ExpiresAt;
        }

        if (revocation.BelowVersion is { } version)
        {
            _versions.AddOrUpdate(revocation.UserId, (version, revocation.ExpiresAt),
                (_, known) => version >= known.Version ? (version, Later(revocation.ExpiresAt, known.ExpiresAt)) : known);
        }
    }

    /// <summary>Forgets revocations whose tokens have all expired.</summary>
    public void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (session, expires) in _sessions)
        {
            if (expires <= now)
            {
                _sessions.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(session, expires));
            }
        }

        foreach (var entry in _versions)
        {
            if (entry.Value.ExpiresAt <= now)
            {
                _versions.TryRemove(entry);
            }
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>Records revocations in the caller's transaction and, once committed, makes every instance refuse the tokens.</summary>
public sealed class SessionRevoker(MovieBookingDb db, RevokedSessions revoked, IOptions<JwtOptions> jwt, TimeProvider time, IServiceProvider services)
{
    internal static readonly RedisChannel Channel = RedisChannel.Literal("session-revocations");

    /// <summary>Adds the revocation of a session to the unit of work; call <see cref="AnnounceAsync"/> after committing.</summary>
    public Revocation RevokeSession(Guid userId, Guid sessionId) => Record(userId, sessionId, null);

    /// <summary>Adds the refusal of the user's tokens below <paramref name="version"/>; call <see cref="AnnounceAsync"/> after committing.</summary>
    public Revocation RevokeVersionsBelow(Guid userId, int version) => Record(userId, null, version);

    public async Task AnnounceAsync(Revocation revocation)
    {
        revoked.Apply(revocation);
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            try
            {
                await redis.GetSubscriber().PublishAsync(Channel, revocation.ToNotice());
            }
            catch (RedisException)
            {
                // Recorded and committed: the other instances read it within their polling interval.
            }
        }
    }

    private Revocation Record(Guid userId, Guid? sessionId, int? version)
    {
        var now = time.GetUtcNow();
        var revocation = new Revocation
        {
            UserId = userId,
            SessionId = sessionId,
            BelowVersion = version,
            RecordedAt = now,
            // Past the last moment an access token issued now is accepted (its lifetime plus the clock skew allowed).
            ExpiresAt = now + jwt.Value.AccessTokenLifetime + IdentityExtensions.ClockSkew,
        };
        db.Revocations.Add(revocation);
        return revocation;
    }
}

/// <summary>
/// Keeps this instance's <see cref="RevokedSessions"/> current: loads what is live at start-up (before requests are
/// served), follows announcements through Redis when it is configured, and reads the table every
/// <see cref="SessionOptions.RevocationPoll"/> for what an announcement missed.
/// </summary>
internal sealed partial class RevocationFollower(
    IServiceScopeFactory scopes,
    RevokedSessions revoked,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<RevocationFollower> logger,
    IServiceProvider services) : BackgroundService
{
    // A revocation is read again until it is this old, so one committed late (after a reading that began before
    // its commit) is still seen.
    private static readonly TimeSpan Lookback = TimeSpan.FromSeconds(30);

    // Expired rows are cleared every this many readings, not on each.
    private const int ClearEvery = 60;

    private DateTimeOffset _readFrom = DateTimeOffset.MinValue;
    private int _readings;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReadAsync(cancellationToken);
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(SessionRevoker.Channel, (_, notice) =>
                {
                    if (Revocation.FromNotice(notice.ToString()) is { } revocation)
                    {
                        revoked.Apply(revocation);
                    }
                });
            }
            catch (RedisException exception)
            {
                LogNotSubscribed(logger, exception);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, not the service's clock: revocations must spread however a test moves the clock.
        using var timer = new PeriodicTimer(options.Value.RevocationPoll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReadAsync(stoppingToken);
                revoked.Prune();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogReadFailed(logger, exception);
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = _readFrom == DateTimeOffset.MinValue ? DateTimeOffset.MinValue : _readFrom - Lookback;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();
        var recent = await db.Revocations.AsNoTracking()
            .Where(r => r.RecordedAt >= since && r.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var revocation in recent)
        {
            revoked.Apply(revocation);
        }

        _readFrom = now;
        if (++_readings % ClearEvery == 0)
        {
            // Expired revocations refuse nothing; any instance may clear them.
            await db.Revocations.Where(r => r.ExpiresAt <= now - Lookback).ExecuteDeleteAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not follow session revocations through Redis; reading them from the database only")]
    private static partial void LogNotSubscribed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading session revocations failed; the next round tries again")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
