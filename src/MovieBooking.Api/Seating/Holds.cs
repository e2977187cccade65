namespace MovieBooking.Api.Seating;

/// <summary>Seats of one show reserved for one user until <see cref="ExpiresAt"/>.</summary>
public sealed record Hold(Guid HoldId, Guid ShowId, Guid UserId, IReadOnlyList<string> SeatIds, DateTimeOffset ExpiresAt)
{
    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt > now;
}

/// <summary>What a hold store is asked: every seat or none, for this user, until the expiry.</summary>
public sealed record HoldRequest(Hold Hold, DateTimeOffset Now, int MaxSeatsPerUser);

public abstract record HoldOutcome
{
    private HoldOutcome()
    {
    }

    public sealed record Granted(Hold Hold) : HoldOutcome;

    /// <summary>Nothing was held: these seats are held or sold already.</summary>
    public sealed record Unavailable(IReadOnlyList<string> SeatIds) : HoldOutcome;

    /// <summary>Nothing was held: the user already holds this many seats of the show.</summary>
    public sealed record OverLimit(int AlreadyHeld) : HoldOutcome;

    /// <summary>Nothing was held: the show has started, is cancelled or does not exist.</summary>
    public sealed record ShowNotBookable : HoldOutcome;
}

/// <summary>
/// Where seat holds live. Every implementation grants all requested seats or none, atomically, and never
/// lets two live holds share a seat. Sales are settled in the database by <c>BookingService</c> whatever the store.
/// </summary>
public interface IHoldStore
{
    Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken);

    /// <summary>The hold, live or lapsed, while the store still knows it.</summary>
    Task<Hold?> FindAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>Frees the hold's seats that still belong to it.</summary>
    Task ReleaseAsync(Hold hold, CancellationToken cancellationToken);

    /// <summary>Seats held in the store rather than in the inventory table, with their expiry (empty for the database store).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Seats of the hold that another live hold has taken meanwhile (a fencing check before a sale).</summary>
    Task<IReadOnlyList<string>> SeatsTakenFromAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Tells the store the hold's seats are sold (after the database committed the sale).</summary>
    Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken);
}
