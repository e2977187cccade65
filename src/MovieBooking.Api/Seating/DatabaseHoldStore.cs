using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Seating;

/// <summary>
/// Holds live in the show's inventory rows, and a hold is one all-or-nothing statement: it changes every requested
/// seat that is free (available, or held by a lapsed hold) only if all of them are, the user stays within the
/// per-show limit and the show is bookable. Lapsed holds need no background job: they are simply free.
/// PostgreSQL locks the requested rows in seat order first (<c>FOR UPDATE</c>), and so do releases, so overlapping
/// holds and releases queue instead of deadlocking; SQLite has a single writer, so the statement sees no concurrent change.
/// </summary>
internal sealed class DatabaseHoldStore(
    MovieBookingDb db, WriteGate gate, SqliteGroupCommit groupCommit, PostgresPipeline pipeline, IOptions<DatabaseOptions> database)
    : IHoldStore
{
    // @p1 the seats to hold, @p8 those and the guard seats (all must be free), @p9 how many those are.
    private const string PostgresHold = """
        WITH wanted AS (
            SELECT seat_id, status, hold_expires_at FROM show_seats
            WHERE show_id = @p0 AND seat_id = ANY(@p8)
            ORDER BY seat_id
            FOR UPDATE),
        verdict AS (
            SELECT (SELECT count(*) FROM wanted WHERE status = 'AVAILABLE' OR (status = 'HELD' AND hold_expires_at <= @p2)) = @p9
               AND (SELECT count(*) FROM show_seats
                    WHERE show_id = @p0 AND held_by = @p4 AND status = 'HELD' AND hold_expires_at > @p2) + @p3 <= @p5
               AND EXISTS (SELECT 1 FROM shows WHERE id = @p0 AND status = 'SCHEDULED' AND starts_at > @p2) AS ok)
        UPDATE show_seats AS s
        SET status = 'HELD', hold_id = @p6, held_by = @p4, hold_expires_at = @p7
        FROM verdict
        WHERE verdict.ok AND s.show_id = @p0 AND s.seat_id = ANY(@p1)
        """;

    private bool Postgres => database.Value.Provider == DatabaseProvider.Postgres;

    public bool AnnouncesHoldsAndReleases => false;

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        var (hold, now) = (request.Hold, request.Now);
        var seatIds = hold.SeatIds.ToArray();
        string[] mustBeFree = [.. seatIds, .. request.Guard];
        object[] values = Postgres
            ? [hold.ShowId, seatIds, now, seatIds.Length, hold.UserId, request.MaxSeatsPerUser, hold.HoldId, hold.ExpiresAt,
               mustBeFree, mustBeFree.Length]
            : [hold.ShowId, JsonSerializer.Serialize(seatIds), now.ToUnixTimeMilliseconds(), seatIds.Length, hold.UserId,
               request.MaxSeatsPerUser, hold.HoldId, hold.ExpiresAt.ToUnixTimeMilliseconds(), JsonSerializer.Serialize(mustBeFree), mustBeFree.Length];
        var changed = (int)(await WriteAsync(Postgres ? PostgresHold : SqliteHold, values, scalar: false))!;

        return changed == seatIds.Length ? new HoldOutcome.Granted(hold) : await WhyNotAsync(request, seatIds, cancellationToken);
    }

    // SQLite runs one writer at a time, so the conditions and the update see the same rows. Instants are Unix
    // milliseconds and the seats a JSON array, as EF Core maps them. @p8 and @p9 as for PostgreSQL.
    private const string SqliteHold = """
        UPDATE show_seats SET status = 'HELD', hold_id = @p6, held_by = @p4, hold_expires_at = @p7
        WHERE show_id = @p0 AND seat_id IN (SELECT value FROM json_each(@p1))
          AND (SELECT count(*) FROM show_seats
               WHERE show_id = @p0 AND seat_id IN (SELECT value FROM json_each(@p8))
                 AND (status = 'AVAILABLE' OR (status = 'HELD' AND hold_expires_at <= @p2))) = @p9
          AND (SELECT count(*) FROM show_seats
               WHERE show_id = @p0 AND held_by = @p4 AND status = 'HELD' AND hold_expires_at > @p2) + @p3 <= @p5
          AND EXISTS (SELECT 1 FROM shows WHERE id = @p0 AND status = 'SCHEDULED' AND starts_at > @p2)
        """;

    /// <summary>
    /// Runs one write statement as a plain command: holds and releases are the most frequent writes, and a raw query
    /// through EF Core builds its query pipeline around every call. The write joins the next batch of its database
    /// (SQLite's group commit, PostgreSQL's pipeline): the writes queued meanwhile run in one transaction, each seeing
    /// the ones before it, and are answered once it committed. Answers the statement's first value, or its row count.
    /// </summary>
    private Task<object?> WriteAsync(string sql, object[] values, bool scalar) =>
        Postgres
            ? pipeline.RunAsync(sql, values, scalar)
            // SQLite keeps ids as upper-case text, as EF Core maps them.
            : groupCommit.RunAsync(sql, [.. values.Select(value => value is Guid id ? id.ToString().ToUpperInvariant() : value)], scalar);

    /// <summary>Nothing was held: tells which rule stopped it.</summary>
    private async Task<HoldOutcome> WhyNotAsync(HoldRequest request, string[] seatIds, CancellationToken cancellationToken)
    {
        var (hold, now) = (request.Hold, request.Now);
        if (!await db.Shows.AnyAsync(s => s.Id == hold.ShowId && s.Status == ShowStatus.Scheduled && s.StartsAt > now, cancellationToken))
        {
            return new HoldOutcome.ShowNotBookable();
        }

        var taken = await db.ShowSeats
            .Where(s => s.ShowId == hold.ShowId && seatIds.Contains(s.SeatId))
            .Where(s => !(s.Status == SeatStatus.Available || (s.Status == SeatStatus.Held && s.HoldExpiresAt <= now)))
            .OrderBy(s => s.RowIndex).ThenBy(s => s.Column)
            .Select(s => s.SeatId)
            .ToListAsync(cancellationToken);
        if (taken.Count > 0)
        {
            return new HoldOutcome.Unavailable(taken);
        }

        if (request.Guard.Count > 0)
        {
            var guard = request.Guard.ToArray();
            if (await db.ShowSeats.Where(s => s.ShowId == hold.ShowId && guard.Contains(s.SeatId)).Taken(now).AnyAsync(cancellationToken))
            {
                return new HoldOutcome.MapChanged();
            }
        }

        var alreadyHeld = await db.ShowSeats.CountAsync(
            s => s.ShowId == hold.ShowId && s.HeldBy == hold.UserId && s.Status == SeatStatus.Held && s.HoldExpiresAt > now,
            cancellationToken);
        // A seat freed between the statement and this look still lost the race; report what was asked.
        return alreadyHeld + seatIds.Length > request.MaxSeatsPerUser
            ? new HoldOutcome.OverLimit(alreadyHeld)
            : new HoldOutcome.Unavailable(seatIds);
    }

    public async Task<Hold?> FindAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var seats = await db.ShowSeats.AsNoTracking()
            .Where(s => s.HoldId == holdId && s.Status == SeatStatus.Held)
            .OrderBy(s => s.RowIndex).ThenBy(s => s.Column)
            .Select(s => new { s.ShowId, s.SeatId, s.HeldBy, s.HoldExpiresAt })
            .ToListAsync(cancellationToken);
        return seats.Count == 0
            ? null
            : new Hold(holdId, seats[0].ShowId, seats[0].HeldBy!.Value, [.. seats.Select(s => s.SeatId)], seats[0].HoldExpiresAt!.Value);
    }

    public async Task<IReadOnlyList<Hold>> LiveHoldsOfAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seats = await db.ShowSeats.AsNoTracking()
            .Where(s => s.HeldBy == userId && s.Status == SeatStatus.Held && s.HoldExpiresAt > now)
            .OrderBy(s => s.RowIndex).ThenBy(s => s.Column)
            .Select(s => new { s.HoldId, s.ShowId, s.SeatId, s.HoldExpiresAt })
            .ToListAsync(cancellationToken);
        return [.. seats.GroupBy(s => s.HoldId!.Value)
            .Select(g => new Hold(g.Key, g.First().ShowId, userId, [.. g.Select(s => s.SeatId)], g.First().HoldExpiresAt!.Value))
            .OrderBy(h => h.ExpiresAt).ThenBy(h => h.HoldId)];
    }

    // PostgreSQL frees a hold's seats after locking them in seat order, as a hold locks them, so a release and a
    // hold on the same seats queue instead of deadlocking (the hold id's index would visit them in storage order).
    private const string PostgresRelease = """
        WITH mine AS (
            SELECT show_id, seat_id FROM show_seats
            WHERE show_id = @p0 AND hold_id = @p1 AND status = 'HELD'
            ORDER BY seat_id
            FOR UPDATE)
        UPDATE show_seats AS s SET status = 'AVAILABLE', hold_id = NULL, held_by = NULL, hold_expires_at = NULL
        FROM mine
        WHERE s.show_id = mine.show_id AND s.seat_id = mine.seat_id
        """;

    public Task ExtendAsync(Hold hold, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ShowSeats.Where(s => s.ShowId == hold.ShowId && s.HoldId == hold.HoldId && s.Status == SeatStatus.Held && s.HoldExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HoldExpiresAt, until), cancellationToken);

    public async Task ReleaseAsync(Hold hold, CancellationToken cancellationToken)
    {
        if (Postgres)
        {
            await WriteAsync(PostgresRelease, [hold.ShowId, hold.HoldId], scalar: false);
            return;
        }

        using var passage = await gate.EnterAsync(cancellationToken);
        await FreeSeats(hold.ShowId, hold.HoldId).ExecuteUpdateAsync(Free, cancellationToken);
    }

    // The owner's live hold, unless a booking took it, freed in one statement that names the show it freed.
    private const string SqliteReleaseOwn = """
        UPDATE show_seats SET status = 'AVAILABLE', hold_id = NULL, held_by = NULL, hold_expires_at = NULL
        WHERE hold_id = @p0 AND status = 'HELD' AND held_by = @p1 AND hold_expires_at > @p2
          AND NOT EXISTS (SELECT 1 FROM bookings WHERE hold_id = @p0)
        RETURNING show_id
        """;

    // The same, locking the seats in seat order first (see PostgresRelease).
    private const string PostgresReleaseOwn = """
        WITH mine AS (
            SELECT show_id, seat_id FROM show_seats
            WHERE hold_id = @p0 AND status = 'HELD' AND held_by = @p1 AND hold_expires_at > @p2
              AND NOT EXISTS (SELECT 1 FROM bookings WHERE hold_id = @p0)
            ORDER BY seat_id
            FOR UPDATE)
        UPDATE show_seats AS s SET status = 'AVAILABLE', hold_id = NULL, held_by = NULL, hold_expires_at = NULL
        FROM mine
        WHERE s.show_id = mine.show_id AND s.seat_id = mine.seat_id
        RETURNING s.show_id
        """;

    public async Task<HoldRelease> ReleaseOwnAsync(Guid holdId, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // SQLite keeps instants as Unix milliseconds.
        var freed = await WriteAsync(Postgres ? PostgresReleaseOwn : SqliteReleaseOwn, [holdId, userId, Postgres ? now : now.ToUnixTimeMilliseconds()],
            scalar: true) switch
        {
            Guid showId => showId,
            string showId => Guid.Parse(showId),
            _ => (Guid?)null,
        };
        if (freed is { } showOfHold)
        {
            return new HoldRelease.Released(showOfHold);
        }

        var hold = await FindAsync(holdId, cancellationToken);
        if (hold is null || hold.UserId != userId || !hold.IsLiveAt(now))
        {
            return new HoldRelease.NotFound();
        }

        return await db.Bookings.AnyAsync(b => b.HoldId == holdId, cancellationToken) ? new HoldRelease.Booked() : new HoldRelease.NotFound();
    }

    // The unique hold id of bookings settles which request books a hold.
    public Task<bool> ClaimForBookingAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(true);

    private IQueryable<ShowSeat> FreeSeats(Guid showId, Guid holdId) =>
        db.ShowSeats.Where(s => s.ShowId == showId && s.HoldId == holdId && s.Status == SeatStatus.Held);

    private static void Free(UpdateSettersBuilder<ShowSeat> seat) => seat
        .SetProperty(x => x.Status, SeatStatus.Available)
        .SetProperty(x => x.HoldId, (Guid?)null)
        .SetProperty(x => x.HeldBy, (Guid?)null)
        .SetProperty(x => x.HoldExpiresAt, (DateTimeOffset?)null);

    // The taken seats are read in the next write batch: the statement stays compiled on the batch's connection, shares
    // its round trip, and sees every hold committed before it, those of the batch ahead of it included.
    // As ShowInventory.Taken: sold, or held by a hold that has not lapsed at @p1.
    private const string TakenSeats = "FROM show_seats WHERE show_id = @p0 AND (status = 'BOOKED' OR (status = 'HELD' AND hold_expires_at > @p1))";
    private const string PostgresTaken = $"SELECT coalesce(array_agg(seat_id), '{{}}') {TakenSeats}";
    private const string SqliteTaken = $"SELECT json_group_array(seat_id) {TakenSeats}";

    public async Task<IReadOnlySet<string>> TakenSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seats = Postgres
            ? (string[])(await WriteAsync(PostgresTaken, [showId, now], scalar: true))!
            : JsonSerializer.Deserialize<string[]>((string)(await WriteAsync(SqliteTaken, [showId, now.ToUnixTimeMilliseconds()], scalar: true))!)!;
        return seats.ToHashSet(StringComparer.Ordinal);
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>());

    // The sale statement itself only takes seats still held by this hold or free.
    public Task<IReadOnlyList<string>> SeatsTakenFromAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReturnSoldAsync(Guid showId, IReadOnlyList<string> seatIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ForgetSoldAsync(Guid showId, CancellationToken cancellationToken) => Task.CompletedTask;
}
