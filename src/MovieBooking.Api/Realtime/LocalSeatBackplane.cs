using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Realtime;

/// <summary>The backplane of a single instance: published state in memory, changes delivered in process.</summary>
public sealed class LocalSeatBackplane(TimeProvider time, IOptions<SeatStreamOptions> options, IOptions<JsonOptions> json) : ISeatBackplane
{
    private readonly ConcurrentDictionary<Guid, Ledger> _ledgers = new();
    private ISeatFeedListener? _listener;

    public void Listen(ISeatFeedListener listener) => _listener = listener;

    public void Changed(Guid showId, bool showItself)
    {
        var ledger = LedgerOf(showId);
        var count = Interlocked.Increment(ref ledger.Changes);
        _listener?.OnChangeCount(showId, count);
    }

    public Task<long> ChangeCountAsync(Guid showId) => Task.FromResult(Interlocked.Read(ref LedgerOf(showId).Changes));

    public Task PublishAsync(Guid showId, long changeCount, IReadOnlyList<SeatState> seats)
    {
        var ledger = LedgerOf(showId);
        lock (ledger)
        {
            if (changeCount <= ledger.Announced && ledger.Seats.Count > 0)
            {
                return Task.CompletedTask;
            }

            ledger.Announced = changeCount;
            var changed = seats.Where(s => !ledger.Seats.TryGetValue(s.Id, out var status) || status != SeatStatusNames.Of(s.Status)).ToList();
            if (changed.Count == 0)
            {
                return Task.CompletedTask;
            }

            // A fresh ledger starts its versions at the clock's milliseconds, so they exceed any a client kept from before.
            ledger.Version = ledger.Seats.Count == 0 ? Math.Max(ledger.Version + 1, time.GetUtcNow().ToUnixTimeMilliseconds()) : ledger.Version + 1;
            changed.ForEach(s => ledger.Seats[s.Id] = SeatStatusNames.Of(s.Status));
            var change = new PublishedChange(ledger.Version, JsonSerializer.SerializeToUtf8Bytes(new SeatsChange(ledger.Version, changed), json.Value.SerializerOptions));
            ledger.Log.Enqueue(change);
            while (ledger.Log.Count > options.Value.KeptChanges)
            {
                ledger.Log.Dequeue();
            }

            // Delivered under the ledger's lock, so followers see changes in version order.
            _listener?.OnPublished(showId, change);
        }

        return Task.CompletedTask;
    }

    public Task<(long Version, Dictionary<string, string> Seats)> PublishedAsync(Guid showId)
    {
        var ledger = LedgerOf(showId);
        lock (ledger)
        {
            return Task.FromResult((ledger.Version, new Dictionary<string, string>(ledger.Seats, StringComparer.Ordinal)));
        }
    }

    public Task<IReadOnlyList<PublishedChange>?> ChangesAfterAsync(Guid showId, long version)
    {
        var ledger = LedgerOf(showId);
        lock (ledger)
        {
            return Task.FromResult(ChangeLog.After(ledger.Log, version, ledger.Version));
        }
    }

    public Task FollowAsync(Guid showId) => Task.CompletedTask;

    /// <summary>Forgets what was published; a later follower starts from a fresh reading and a higher version.</summary>
    public Task UnfollowAsync(Guid showId)
    {
        var ledger = LedgerOf(showId);
        lock (ledger)
        {
            ledger.Seats.Clear();
            ledger.Log.Clear();
            ledger.Announced = 0;
        }

        return Task.CompletedTask;
    }

    public Task ExpectExpiriesAsync(Guid showId, IReadOnlyList<DateTimeOffset> expiries) => Task.CompletedTask;

    /// <summary>One instance: the timer that fired is the only one, so it reports the lapse itself.</summary>
    public Task ClaimExpiriesAsync(Guid showId, DateTimeOffset now)
    {
        Changed(showId, showItself: false);
        return Task.CompletedTask;
    }

    private Ledger LedgerOf(Guid showId) => _ledgers.GetOrAdd(showId, static _ => new Ledger());

    private sealed class Ledger
    {
        public long Changes;
        public long Announced;
        public long Version;
        public readonly Dictionary<string, string> Seats = new(StringComparer.Ordinal);
        public readonly Queue<PublishedChange> Log = new();
    }
}

internal static class ChangeLog
{
    /// <summary>The changes after <paramref name="version"/> from a log that ends at <paramref name="current"/>, or null when the log no longer reaches back that far.</summary>
    public static IReadOnlyList<PublishedChange>? After(IEnumerable<PublishedChange> log, long version, long current)
    {
        if (version > current)
        {
            return null;
        }

        var missed = log.Where(c => c.Version > version).ToList();
        if (version == current)
        {
            return missed;
        }

        return missed.Count > 0 && missed[0].Version == version + 1 ? missed : null;
    }
}
