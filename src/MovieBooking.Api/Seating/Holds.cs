namespace MovieBooking.Api.Seating;

/// <summary>Seats of one show reserved for one user until <see cref="ExpiresAt"/>.</summary>
public sealed record Hold(Guid HoldId, Guid ShowId, Guid UserId, IReadOnlyList<string> SeatIds, DateTimeOffset ExpiresAt)
{
    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt > now;
}

/// <summary>
/// What a hold store is asked: every seat or none, for this user, until the expiry. <see cref="Guard"/> are other
/// seats that must still be free when the hold is written, or nothing is held (<see cref="HoldOutcome.MapChanged"/>):
/// the free seats the selection was judged beside, so the judgement holds for the map the hold lands in.
/// </summary>
public sealed record HoldRequest(Hold Hold, DateTimeOffset Now, int MaxSeatsPerUser)
{
    public IReadOnlyList<string> Guard { get; init; } = [];
}

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

    /// <summary>Nothing was held: the requested seats are free, but a guard seat beside them was taken since the map was read.</summary>
    public sealed record MapChanged : HoldOutcome;

    /// <summary>Nothing was held: the selection would leave <paramref name="Seat"/> alone; the suggestion would not.</summary>
    public sealed record Stranding(string Seat, IReadOnlyList<string> Suggestion) : HoldOutcome;

    /// <summary>Nothing was held: no free seats fit the party, for the reason given.</summary>
    public sealed record NoneFit(string Reason) : HoldOutcome;

    /// <summary>Nothing was held: the seats around the choice kept changing while it was made.</summary>
    public sealed record Contended : HoldOutcome;
}

/// <summary>What became of a user's request to release their hold.</summary>
public abstract record HoldRelease
{
    private HoldRelease()
    {
    }

    public sealed record Released(Guid ShowId) : HoldRelease;

    /// <summary>No live hold of this user has that id.</summary>
    public sealed record NotFound : HoldRelease;

    /// <summary>The hold belongs to a booking; the booking is cancelled instead.</summary>
    public sealed record Booked : HoldRelease;
}

/// <summary>
/// Where seat holds live. Every implementation grants all requested seats or none, atomically, and never
/// lets two live holds share a seat. Sales are settled in the database by <c>BookingService</c> whatever the store.
/// </summary>
public interface IHoldStore
{
    /// <summary>
    /// Whether a granted hold and a user's release are already reported to every instance by the store itself, in
    /// the same step as the change (Redis); otherwise the caller reports them.
    /// </summary>
    bool AnnouncesHoldsAndReleases { get; }

    Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken);

    /// <summary>The hold, live or lapsed, while the store still knows it.</summary>
    Task<Hold?> FindAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>The user's holds that have not lapsed (including any a booking was made from), soonest to lapse first.</summary>
    Task<IReadOnlyList<Hold>> LiveHoldsOfAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the live hold's expiry to <paramref name="until"/> for the seats that still belong to it (a booking's
    /// hold, as its payment starts). The database store writes in the caller's transaction.
    /// </summary>
    Task ExtendAsync(Hold hold, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Frees the hold's seats that still belong to it.</summary>
    Task ReleaseAsync(Hold hold, CancellationToken cancellationToken);

    /// <summary>The user lets go of their live hold, unless a booking was made from it.</summary>
    Task<HoldRelease> ReleaseOwnAsync(Guid holdId, Guid userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the live hold as taken by a booking, once: false when it already is, or is gone. A hold so marked
    /// can no longer be released by its user.
    /// </summary>
    Task<bool> ClaimForBookingAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The show's seats that are held (by a live hold) or sold, as the store would judge a hold now.</summary>
    Task<IReadOnlySet<string>> TakenSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Seats held in the store rather than in the inventory table, with their expiry (empty for the database store).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Seats of the hold that another live hold has taken meanwhile (a fencing check before a sale).</summary>
    Task<IReadOnlyList<string>> SeatsTakenFromAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Tells the store the hold's seats are sold (after the database committed the sale).</summary>
    Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken);

    /// <summary>Tells the store sold seats are for sale again (after the database committed a cancellation).</summary>
    Task ReturnSoldAsync(Guid showId, IReadOnlyList<string> seatIds, CancellationToken cancellationToken);

    /// <summary>
    /// Drops whatever the store remembers of the show's sold seats, so they are read from the database again: after a
    /// change whose report to the store may have been lost (a cancellation retried after a failure).
    /// </summary>
    Task ForgetSoldAsync(Guid showId, CancellationToken cancellationToken);
}
