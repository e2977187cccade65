using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Seating;

/// <summary>What a customer asks to hold: these seats, or the best <c>Count</c> (of a category).</summary>
public abstract record SeatWish
{
    private SeatWish()
    {
    }

    public sealed record Seats(IReadOnlyList<string> Ids) : SeatWish;

    public sealed record Best(int Count, SeatCategory? Category) : SeatWish;
}

/// <summary>
/// Turns a wish into a hold under the theatre's gap rule. The seats are chosen (best available) or judged (a manual
/// selection) against the seat map as the store reads it just before writing, and the hold carries the other free
/// seats of the judged runs as its guard: the store writes it only if those are still free, so two holds racing cannot
/// together strand a seat that neither would alone. When the map changed meanwhile, it reads, chooses and tries
/// again, up to <see cref="MaxAttempts"/> times. Requests for one show through this instance take turns to read and
/// choose, and each counts the seats of the holds this instance is still writing as taken, so they neither spoil each
/// other's reads nor wait for each other's writes; another instance's are caught by the guard. A manual selection under
/// no gap rule goes straight to the store, as it needs no reading.
/// </summary>
public sealed class SeatSelection : IDisposable
{
    public const int MaxAttempts = 5;

    private const int LaneCount = 64;

    private readonly Lane[] _lanes = [.. Enumerable.Range(0, LaneCount).Select(_ => new Lane())];

    /// <summary>Holds what <paramref name="wish"/> asks for, as <paramref name="request"/> says (its hold's seats are filled in).</summary>
    public async Task<HoldOutcome> HoldAsync(
        IHoldStore store, ShowFacts show, SeatWish wish, HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(show);
        ArgumentNullException.ThrowIfNull(request);
        if (wish is SeatWish.Seats { Ids: var ids } && show.GapRule == GapRule.Off)
        {
            return await store.HoldAsync(request with { Hold = request.Hold with { SeatIds = ids } }, cancellationToken);
        }

        var lane = _lanes[(int)((uint)show.ShowId.GetHashCode() % LaneCount)];
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            IReadOnlyList<string> seats;
            IReadOnlyList<string> guard;
            await lane.Turn.WaitAsync(cancellationToken);
            try
            {
                var taken = lane.WithWritesInFlight(show.ShowId, await store.TakenSeatsAsync(show.ShowId, request.Now, cancellationToken));
                var plan = show.PlanWith(taken);
                (var chosen, var refusal) = Choose(plan, show.GapRule, wish, taken);
                if (refusal is not null)
                {
                    return refusal;
                }

                seats = chosen!;
                guard = show.GapRule == GapRule.Off ? [] : plan.FreeBeside(seats);
                lane.Writing(show.ShowId, request.Hold.HoldId, seats);
            }
            finally
            {
                lane.Turn.Release();
            }

            HoldOutcome outcome;
            try
            {
                outcome = await store.HoldAsync(request with { Hold = request.Hold with { SeatIds = seats }, Guard = guard }, cancellationToken);
            }
            finally
            {
                // Written or refused, the store now answers for these seats.
                lane.Written(show.ShowId, request.Hold.HoldId);
            }

            // A manual selection whose own seats were taken is answered as such; anything else that changed is read again.
            if (outcome is HoldOutcome.MapChanged || (outcome is HoldOutcome.Unavailable && wish is SeatWish.Best))
            {
                continue;
            }

            return outcome;
        }

        return new HoldOutcome.Contended();
    }

    /// <summary>What a hold of <paramref name="wish"/> would choose now, or why it would be refused; nothing is held.</summary>
    public static async Task<(IReadOnlyList<string>? Seats, HoldOutcome? Refusal)> PreviewAsync(
        IHoldStore store, ShowFacts show, SeatWish wish, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(show);
        var taken = await store.TakenSeatsAsync(show.ShowId, now, cancellationToken);
        return Choose(show.PlanWith(taken), show.GapRule, wish, taken);
    }

    private static (IReadOnlyList<string>? Seats, HoldOutcome? Refusal) Choose(SeatPlan plan, GapRule rule, SeatWish wish, IReadOnlySet<string> taken)
    {
        switch (wish)
        {
            case SeatWish.Seats { Ids: var ids }:
                var gone = ids.Where(taken.Contains).Order(SeatOrder.Instance).ToList();
                if (gone.Count > 0)
                {
                    return (null, new HoldOutcome.Unavailable(gone));
                }

                var verdict = SeatPicker.Check(plan, ids, rule);
                return verdict.Stranded is { } stranded ? (null, new HoldOutcome.Stranding(stranded, verdict.Suggestion!)) : (ids, null);
            case SeatWish.Best { Count: var count, Category: var category }:
                var best = SeatPicker.Best(plan, count, category, rule, out var reason);
                return best is null ? (null, new HoldOutcome.NoneFit(reason!)) : (best, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(wish));
        }
    }

    public void Dispose()
    {
        foreach (var lane in _lanes)
        {
            lane.Turn.Dispose();
        }
    }

    /// <summary>The shows whose ids fall in one lane: whose turn it is to choose, and the holds being written.</summary>
    private sealed class Lane
    {
        private readonly Dictionary<Guid, Dictionary<Guid, IReadOnlyList<string>>> _writing = [];

        public SemaphoreSlim Turn { get; } = new(1, 1);

        /// <summary>The seats the store reports taken, and those of this instance's holds of the show not yet written.</summary>
        public IReadOnlySet<string> WithWritesInFlight(Guid showId, IReadOnlySet<string> taken)
        {
            lock (_writing)
            {
                if (!_writing.TryGetValue(showId, out var holds) || holds.Count == 0)
                {
                    return taken;
                }

                var all = new HashSet<string>(taken, StringComparer.Ordinal);
                foreach (var seats in holds.Values)
                {
                    all.UnionWith(seats);
                }

                return all;
            }
        }

        public void Writing(Guid showId, Guid holdId, IReadOnlyList<string> seats)
        {
            lock (_writing)
            {
                if (!_writing.TryGetValue(showId, out var holds))
                {
                    _writing[showId] = holds = [];
                }

                holds[holdId] = seats;
            }
        }

        public void Written(Guid showId, Guid holdId)
        {
            lock (_writing)
            {
                if (_writing.TryGetValue(showId, out var holds) && holds.Remove(holdId) && holds.Count == 0)
                {
                    _writing.Remove(showId);
                }
            }
        }
    }
}
