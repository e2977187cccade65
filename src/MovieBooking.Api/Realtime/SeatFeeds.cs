using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Realtime;

/// <summary>
/// The shows this instance follows because someone watches them here: one <see cref="ShowFeed"/> per show, kept a
/// little after its last watcher leaves so that reconnecting clients resume where they were.
/// </summary>
public sealed class SeatFeeds : ISeatFeedListener, IAsyncDisposable
{
    private readonly ISeatBackplane _backplane;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptions<SeatStreamOptions> _options;
    private readonly IOptions<JsonOptions> _json;
    private readonly ILogger<SeatFeeds> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (ShowFeed Feed, ITimer? Linger)> _feeds = [];

    public SeatFeeds(ISeatBackplane backplane, IServiceScopeFactory scopes, TimeProvider time, IOptions<SeatStreamOptions> options,
        IOptions<JsonOptions> json, ILogger<SeatFeeds> logger)
    {
        _backplane = backplane;
        _scopes = scopes;
        _time = time;
        _options = options;
        _json = json;
        _logger = logger;
        backplane.Listen(this);
    }

    /// <summary>The feed of a show, ready to hand out its state; pair with <see cref="Release"/>.</summary>
    internal async Task<ShowFeed> AcquireAsync(Guid showId)
    {
        ShowFeed feed;
        lock (_gate)
        {
            if (_feeds.TryGetValue(showId, out var entry))
            {
                entry.Linger?.Dispose();
                feed = entry.Feed;
            }
            else
            {
                feed = new ShowFeed(showId, _backplane, _scopes, _time, _options.Value, _json.Value.SerializerOptions, _logger);
            }

            feed.Users++;
            _feeds[showId] = (feed, null);
        }

        try
        {
            await feed.Ready;
            return feed;
        }
        catch
        {
            Release(showId, feed, linger: false);
            throw;
        }
    }

    internal void Release(Guid showId, ShowFeed feed, bool linger = true)
    {
        lock (_gate)
        {
            if (--feed.Users > 0 || !_feeds.TryGetValue(showId, out var entry) || entry.Feed != feed)
            {
                return;
            }

            if (linger && feed.Ready.IsCompletedSuccessfully && _options.Value.Linger > TimeSpan.Zero)
            {
                var timer = _time.CreateTimer(_ => Close(showId, feed), null, _options.Value.Linger, Timeout.InfiniteTimeSpan);
                _feeds[showId] = (feed, timer);
                return;
            }

            _feeds.Remove(showId);
        }

        _ = feed.DisposeAsync().AsTask();
    }

    public void OnChangeCount(Guid showId, long count) => Find(showId)?.OnChangeCount(count);

    public void OnPublished(Guid showId, PublishedChange change) => Find(showId)?.OnPublished(change);

    public async ValueTask DisposeAsync()
    {
        List<(ShowFeed Feed, ITimer? Linger)> feeds;
        lock (_gate)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var (feed, linger) in feeds)
        {
            linger?.Dispose();
            await feed.DisposeAsync();
        }
    }

    private ShowFeed? Find(Guid showId)
    {
        lock (_gate)
        {
            return _feeds.TryGetValue(showId, out var entry) ? entry.Feed : null;
        }
    }

    private void Close(Guid showId, ShowFeed feed)
    {
        lock (_gate)
        {
            if (feed.Users > 0 || !_feeds.TryGetValue(showId, out var entry) || entry.Feed != feed)
            {
                return;
            }

            entry.Linger?.Dispose();
            _feeds.Remove(showId);
        }

        _ = feed.DisposeAsync().AsTask();
    }
}
