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
/// again, up to <see cref="MaxAttempts"/> times. A manual selection under no gap rule goes straight to the store, as it
/// needs no reading.
/// </summary>
/// <remarks>
/// Picks for one show through this instance are chosen in batches, one batch at a time: the picks that arrived while
/// the batch before was being chosen share one read of the store, begun after each of them arrived, and are chosen one
/// after another against it. Each counts as taken the seats chosen before it and not yet written, and each hold is
/// sent to the store as it is chosen, so this instance's holds of a show reach the store in the order they were
/// chosen: a hold's guard, taken before the later ones were chosen, is never broken by them. Another instance's holds
/// are caught by the guard. The first pick of a batch reads for it, and hands the next batch to the first pick that
/// arrived meanwhile.
/// </remarks>
public sealed class SeatSelection
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
            var outcome = await lane.HoldAsync(show, new Pick(store, wish, request, cancellationToken));

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

    /// <summary>
    /// One hold's wish waiting to be chosen. It is answered with the hold being written (or its refusal), or with null
    /// when it is to choose the next batch.
    /// </summary>
    private sealed class Pick(IHoldStore store, SeatWish wish, HoldRequest request, CancellationToken cancellationToken)
    {
        public IHoldStore Store { get; } = store;

        public SeatWish Wish { get; } = wish;

        public HoldRequest Request { get; } = request;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<Task<HoldOutcome>?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The shows whose ids fall in one lane: their picks, and the holds being written.</summary>
    private sealed class Lane
    {
        private readonly Lock _lock = new();

        // The picks waiting for the next batch of each show a batch is being chosen for.
        private readonly Dictionary<Guid, List<Pick>> _waiting = [];
        private readonly Dictionary<Guid, Dictionary<Guid, IReadOnlyList<string>>> _writing = [];

        /// <summary>Chooses <paramref name="pick"/>'s seats in the show's next batch and holds them.</summary>
        public async Task<HoldOutcome> HoldAsync(ShowFacts show, Pick pick)
        {
            bool first;
            lock (_lock)
            {
                first = !_waiting.TryGetValue(show.ShowId, out var waiting);
                if (first)
                {
                    _waiting[show.ShowId] = waiting = [];
                }

                waiting!.Add(pick);
            }

            // A batch is never abandoned half chosen, so a pick waits for its answer even when its request is cancelled.
            if (!first && await pick.Answer.Task is { } writing)
            {
                return await writing;
            }

            return await await ChooseBatchAsync(show, pick);
        }

        /// <summary>
        /// Reads the store once for the picks waiting, <paramref name="own"/> among them, chooses each and sends its
        /// hold, and hands the next batch on. Answers <paramref name="own"/>'s hold.
        /// </summary>
        private async Task<Task<HoldOutcome>> ChooseBatchAsync(ShowFacts show, Pick own)
        {
            Task<HoldOutcome>? ownHold = null;
            List<Pick> batch;
            HashSet<string> taken;
            lock (_lock)
            {
                var waiting = _waiting[show.ShowId];
                batch = [.. waiting];
                waiting.Clear();
                // Holds still being written may be read or not; they count as taken either way.
                taken = new HashSet<string>(StringComparer.Ordinal);
                if (_writing.TryGetValue(show.ShowId, out var holds))
                {
                    foreach (var seats in holds.Values)
                    {
                        taken.UnionWith(seats);
                    }
                }
            }

            try
            {
                // The read serves every pick in the batch, so no single request may cancel it.
                var now = batch.Max(p => p.Request.Now);
                taken.UnionWith(await own.Store.TakenSeatsAsync(show.ShowId, now, CancellationToken.None));
                foreach (var pick in batch)
                {
                    var plan = show.PlanWith(taken);
                    (var seats, var refusal) = Choose(plan, show.GapRule, pick.Wish, taken);
                    if (refusal is not null)
                    {
                        Answer(pick, Task.FromResult(refusal));
                        continue;
                    }

                    IReadOnlyList<string> guard = show.GapRule == GapRule.Off ? [] : plan.FreeBeside(seats!);
                    taken.UnionWith(seats!);
                    lock (_lock)
                    {
                        if (!_writing.TryGetValue(show.ShowId, out var holds))
                        {
                            _writing[show.ShowId] = holds = [];
                        }

                        holds[pick.Request.Hold.HoldId] = seats!;
                    }

                    // Sent now, in the order chosen: the store takes writes in the order they are sent.
                    Answer(pick, WriteAsync(show.ShowId, pick, seats!, guard));
                }
            }
            catch (Exception exception)
            {
                foreach (var pick in batch.Where(p => p != own))
                {
                    pick.Answer.TrySetException(exception);
                }

                throw;
            }
            finally
            {
                lock (_lock)
                {
                    var waiting = _waiting[show.ShowId];
                    if (waiting.Count > 0)
                    {
                        waiting[0].Answer.SetResult(null);
                    }
                    else
                    {
                        _waiting.Remove(show.ShowId);
                    }
                }
            }

            return ownHold!;

            void Answer(Pick pick, Task<HoldOutcome> hold)
            {
                if (pick == own)
                {
                    ownHold = hold;
                }
                else
                {
                    pick.Answer.SetResult(hold);
                }
            }
        }

        private async Task<HoldOutcome> WriteAsync(Guid showId, Pick pick, IReadOnlyList<string> seats, IReadOnlyList<string> guard)
        {
            var request = pick.Request with { Hold = pick.Request.Hold with { SeatIds = seats }, Guard = guard };
            try
            {
                return await pick.Store.HoldAsync(request, pick.CancellationToken);
            }
            finally
            {
                // Written or refused, the store now answers for these seats.
                lock (_lock)
                {
                    if (_writing.TryGetValue(showId, out var holds) && holds.Remove(request.Hold.HoldId) && holds.Count == 0)
                    {
                        _writing.Remove(showId);
                    }
                }
            }
        }
    }
}
