using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Data;

/// <summary>
/// The PostgreSQL context on the read replica (<c>ConnectionStrings:Replica</c>): the same model, read only, never
/// migrated. Only reads that may be a moment behind go there, through <see cref="ReadReplica"/>.
/// </summary>
public sealed class PostgresReplicaDb(DbContextOptions<PostgresReplicaDb> options) : MovieBookingDb(options);

/// <summary>
/// Decides where a read that may lag goes. The public catalogue and seat-map snapshots, asked for by shoppers and
/// visitors, go to the replica while its last sampled lag is within <see cref="DatabaseOptions.ReplicaMaxLag"/>; staff
/// (theatre owners and admins, who write the catalogue and read it back), anything read before the first sample, while
/// the replica is unreachable or behind, and every other read and write go to the primary. A user's own holds,
/// bookings and tickets are never read through here, so nobody sees what they just did vanish.
/// </summary>
public sealed class ReadReplica(DatabaseOptions options, TimeProvider time)
{
    /// <summary>The service key of the <see cref="MovieBookingDb"/> for reads that may lag.</summary>
    public const string Key = "replica";

    /// <summary>How often the replica's lag is sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private Sample? _last;

    public bool Configured { get; } = !string.IsNullOrWhiteSpace(options.ReplicaConnectionString);

    /// <summary>The replica's lag at the last sample; null before the first or while it does not answer.</summary>
    public TimeSpan? Lag => Volatile.Read(ref _last) is { Lag: var lag } last && Fresh(last) ? lag : null;

    /// <summary>Whether reads that may lag go to the replica now: it answered lately, within the lag allowed.</summary>
    public bool InUse => Lag <= options.ReplicaMaxLag;

    public void Sampled(TimeSpan? lag) => Volatile.Write(ref _last, new Sample(lag, time.GetUtcNow()));

    /// <summary>The context for a read that may lag, for the caller of the current request.</summary>
    internal MovieBookingDb For(IServiceProvider services, ClaimsPrincipal? caller) =>
        InUse && !IsStaff(caller) ? services.GetRequiredService<PostgresReplicaDb>() : services.GetRequiredService<MovieBookingDb>();

    private static bool IsStaff(ClaimsPrincipal? caller) =>
        caller is not null && (caller.IsInRole(nameof(Role.Admin)) || caller.IsInRole(nameof(Role.TheatreOwner)));

    /// <summary>A sample older than three rounds means the sampler is stuck; the primary answers meanwhile.</summary>
    private bool Fresh(Sample sample) => time.GetUtcNow() - sample.At <= 3 * SampleInterval;

    private sealed record Sample(TimeSpan? Lag, DateTimeOffset At);
}

/// <summary>
/// Asks the replica every <see cref="ReadReplica.SampleInterval"/> how far behind the primary it is: nothing when it
/// has replayed all it received, else the time since the last transaction it replayed. Publishes the lag to
/// <see cref="ReadReplica"/> and the <c>moviebooking.db.replica.lag</c> gauge.
/// </summary>
public sealed partial class ReplicaLagSampler(
    IServiceScopeFactory scopes, ReadReplica replica, ServiceMetrics metrics, TimeProvider time, ILogger<ReplicaLagSampler> logger)
    : PeriodicService(time, logger)
{
    private bool _answered = true;

    protected override TimeSpan Interval => ReadReplica.SampleInterval;

    protected override string JobName => "Sampling the read replica's lag";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SampleAsync(cancellationToken);

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        TimeSpan? lag;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PostgresReplicaDb>();
            var seconds = await db.Database.SqlQuery<double>($"""
                SELECT CASE
                    WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8
                END AS "Value"
                """).SingleAsync(cancellationToken);
            lag = TimeSpan.FromSeconds(Math.Max(0, seconds));
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException || TransientFaults.Dependency(exception) is not null)
        {
            lag = null;
            if (_answered)
            {
                LogUnreachable(logger, exception);
            }
        }

        if (lag is not null && !_answered)
        {
            LogBack(logger);
        }

        _answered = lag is not null;
        replica.Sampled(lag);
        metrics.ReplicaSampled(lag);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read replica does not answer; catalogue reads go to the primary until it does")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The read replica answers again")]
    private static partial void LogBack(ILogger logger);
}
