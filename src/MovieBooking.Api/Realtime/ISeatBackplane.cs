namespace MovieBooking.Api.Realtime;

/// <summary>
/// Where the published state of every watched show lives and how its changes reach the instances that follow it:
/// in this process (<see cref="LocalSeatBackplane"/>) or in Redis (<see cref="RedisSeatBackplane"/>).
/// <para>
/// A show has a change counter, bumped after every committed change to its seats. An instance that follows the show
/// reads the seat map after it saw the counter at n and publishes it with n: the backplane keeps the last published
/// status of every seat, publishes only the seats that differ under the next version, and refuses a reading with a
/// counter no higher than one it already published. A reading with counter n began after the nth change was
/// committed, so the first reading published after the last change is the truth, and no reading from before it can
/// make a seat flicker back, whatever order readings from several instances arrive in.
/// </para>
/// </summary>
public interface ISeatBackplane
{
    /// <summary>Set once by the instance's <see cref="SeatFeeds"/>: where counters and published changes are delivered.</summary>
    void Listen(ISeatFeedListener listener);

    /// <summary>Reports a committed change to a show's seats (or to the show itself) to every instance.</summary>
    void Changed(Guid showId, bool showItself);

    /// <summary>The show's change counter now.</summary>
    Task<long> ChangeCountAsync(Guid showId);

    /// <summary>Publishes the seats that differ from the published state, unless a reading with a counter as high was published already.</summary>
    Task PublishAsync(Guid showId, long changeCount, IReadOnlyList<SeatState> seats);

    /// <summary>The published version and the status of every seat at that version, read together.</summary>
    Task<(long Version, Dictionary<string, string> Seats)> PublishedAsync(Guid showId);

    /// <summary>The kept changes after <paramref name="version"/>, oldest first, or null when some of them are no longer kept.</summary>
    Task<IReadOnlyList<PublishedChange>?> ChangesAfterAsync(Guid showId, long version);

    /// <summary>Starts delivering the show's published changes to this instance.</summary>
    Task FollowAsync(Guid showId);

    Task UnfollowAsync(Guid showId);

    /// <summary>Notes when holds on the show lapse, so that one instance announces each lapse.</summary>
    Task ExpectExpiriesAsync(Guid showId, IReadOnlyList<DateTimeOffset> expiries);

    /// <summary>Claims the lapses due by <paramref name="now"/>; the instance that claims any reports a change.</summary>
    Task ClaimExpiriesAsync(Guid showId, DateTimeOffset now);
}

/// <summary>What a backplane tells the instance.</summary>
public interface ISeatFeedListener
{
    void OnChangeCount(Guid showId, long count);

    void OnPublished(Guid showId, PublishedChange change);
}
