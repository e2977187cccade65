using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using Npgsql;

namespace MovieBooking.Api.Seating;

/// <summary>
/// Holds live in the show's inventory rows. A hold is one conditional UPDATE over the requested seats that only
/// touches free ones (available, or held by a lapsed hold); if it changed fewer rows than seats were asked, the
/// transaction rolls back and nothing is held. Lapsed holds need no background job: they are simply free.
/// </summary>
internal sealed class DatabaseHoldStore(MovieBookingDb db) : IHoldStore
{
    private const int DeadlockRetries = 3;

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryHoldAsync(request, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DeadlockDetected
                or PostgresErrorCodes.SerializationFailure && attempt < DeadlockRetries)
            {
                // Rows are locked in index order, so this is not expected; a retry is still the right answer.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<HoldOutcome> TryHoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        var (hold, now) = (request.Hold, request.Now);
        var seatIds = hold.SeatIds.ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var alreadyHeld = await db.ShowSeats.CountAsync(
            s => s.ShowId == hold.ShowId && s.HeldBy == hold.UserId && s.Status == SeatStatus.Held && s.HoldExpiresAt > now,
            cancellationToken);
        if (alreadyHeld + seatIds.Count > request.MaxSeatsPerUser)
        {
            return new HoldOutcome.OverLimit(alreadyHeld);
        }

        var changed = await db.ShowSeats
            .Where(s => s.ShowId == hold.ShowId && seatIds.Contains(s.SeatId))
            .Where(s => s.Status == SeatStatus.Available || (s.Status == SeatStatus.Held && s.HoldExpiresAt <= now))
            .Where(s => db.Shows.Any(show => show.Id == s.ShowId && show.Status == ShowStatus.Scheduled && show.StartsAt > now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SeatStatus.Held)
                .SetProperty(x => x.HoldId, hold.HoldId)
                .SetProperty(x => x.HeldBy, hold.UserId)
                .SetProperty(x => x.HoldExpiresAt, hold.ExpiresAt), cancellationToken);
        if (changed == seatIds.Count)
        {
            await transaction.CommitAsync(cancellationToken);
            return new HoldOutcome.Granted(hold);
        }

        await transaction.RollbackAsync(cancellationToken);
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
        // A seat freed between the update and this look still lost the race; report what was asked.
        return new HoldOutcome.Unavailable(taken.Count > 0 ? taken : seatIds);
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

    public Task ReleaseAsync(Hold hold, CancellationToken cancellationToken) =>
        db.ShowSeats
            .Where(s => s.ShowId == hold.ShowId && s.HoldId == hold.HoldId && s.Status == SeatStatus.Held)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SeatStatus.Available)
                .SetProperty(x => x.HoldId, (Guid?)null)
                .SetProperty(x => x.HeldBy, (Guid?)null)
                .SetProperty(x => x.HoldExpiresAt, (DateTimeOffset?)null), cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>());

    // The sale statement itself only takes seats still held by this hold or free.
    public Task<IReadOnlyList<string>> SeatsTakenFromAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MarkUnsoldAsync(Guid showId, IReadOnlyList<string> seatIds, CancellationToken cancellationToken) => Task.CompletedTask;
}
