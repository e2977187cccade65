using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using MovieBooking.Api.Realtime;

namespace MovieBooking.Api.Seating;

/// <summary>
/// Serialised seat maps per show. An entry lives until the show's seats change on this instance (every hold,
/// release, booking, expiry and show change reports to <see cref="SeatChangeFeed"/>), until the earliest hold on
/// the map lapses, or for at most <see cref="MaxAge"/>, which bounds what another instance's change can leave
/// unseen here.
/// </summary>
public sealed class SeatMapCache(IMemoryCache cache)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, long> _versions = new();

    /// <summary>The version a reader notes before it reads the inventory.</summary>
    public long VersionOf(Guid showId) => _versions.GetValueOrDefault(showId);

    /// <summary>The cached map, if the seats have not changed and no hold on it has lapsed by <paramref name="now"/>.</summary>
    public byte[]? Get(Guid showId, DateTimeOffset now) =>
        cache.Get<Entry>(Key(showId)) is { } entry && entry.Version == VersionOf(showId) && now < entry.ValidUntil ? entry.Json : null;

    /// <summary>Keeps a map read at <paramref name="version"/>, unless the seats changed meanwhile.</summary>
    public void Set(Guid showId, long version, byte[] json, DateTimeOffset now, DateTimeOffset? earliestExpiry)
    {
        if (version != VersionOf(showId))
        {
            return;
        }

        var lifetime = earliestExpiry is { } expiry && expiry - now < MaxAge ? expiry - now : MaxAge;
        if (lifetime > TimeSpan.Zero)
        {
            // Validity is judged by the service's clock; the memory cache's own expiry only frees the memory.
            cache.Set(Key(showId), new Entry(version, json, now + lifetime), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = MaxAge });
        }
    }

    public void Invalidate(Guid showId)
    {
        _versions.AddOrUpdate(showId, 1, (_, version) => version + 1);
        cache.Remove(Key(showId));
    }

    private static string Key(Guid showId) => $"seat-map:{showId}";

    private sealed record Entry(long Version, byte[] Json, DateTimeOffset ValidUntil);
}

/// <summary>
/// Where every committed change to a show's seats is reported. It keeps this instance's caches honest at once and
/// tells every instance (through the <see cref="ISeatBackplane"/>), whose caches and live seat maps follow.
/// </summary>
public sealed class SeatChangeFeed(SeatMapCache seatMaps, ShowFactsCache shows, ISeatBackplane backplane)
{
    /// <summary>Seats of the show changed state (held, released, booked, freed).</summary>
    /// <param name="showId">The show.</param>
    /// <param name="announced">Whether the store already reported the change to every instance with the change itself.</param>
    public void SeatsChanged(Guid showId, bool announced = false)
    {
        seatMaps.Invalidate(showId);
        if (!announced)
        {
            backplane.Changed(showId, showItself: false);
        }
    }

    /// <summary>The show itself changed (time, prices, status or layout).</summary>
    public void ShowChanged(Guid showId)
    {
        shows.Invalidate(showId);
        seatMaps.Invalidate(showId);
        backplane.Changed(showId, showItself: true);
    }
}
