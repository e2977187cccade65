using System.Text.Json;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Realtime;

/// <summary>
/// This instance's view of one watched show: a mirror of the published seat statuses at the latest version, the
/// recent changes as ready-made frames, and the watchers to hand them to. It also keeps the published state up to
/// date: every change counter it hears of makes it read the seat map and publish it (one reading at a time; counters
/// that arrive meanwhile are covered by the next reading), and a timer over the next hold expiry announces lapses.
/// </summary>
internal sealed class ShowFeed : IAsyncDisposable
{
    private readonly Guid _showId;
    private readonly ISeatBackplane _backplane;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly SeatStreamOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<SeatWatcher> _watchers = [];
    private readonly Queue<SseFrame> _recent = new();
    private readonly ITimer _heartbeat;
    private readonly ITimer _expiryTimer;

    private Dictionary<string, string> _statuses = new(StringComparer.Ordinal);
    private long _version;
    private SeatMapResponse? _layout;
    private SseFrame? _snapshot;
    private List<PublishedChange>? _pending = [];
    private long _countSeen;
    private long _countRead;
    private bool _reading;
    private DateTimeOffset? _expiryDue;

    public ShowFeed(Guid showId, ISeatBackplane backplane, IServiceScopeFactory scopes, TimeProvider time, SeatStreamOptions options,
        JsonSerializerOptions json, ILogger logger)
    {
        _showId = showId;
        _backplane = backplane;
        _scopes = scopes;
        _time = time;
        _options = options;
        _json = json;
        _logger = logger;
        _heartbeat = time.CreateTimer(_ => Broadcast(SseFrame.Heartbeat), null, options.Heartbeat, options.Heartbeat);
        _expiryTimer = time.CreateTimer(_ => _ = ClaimExpiriesAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Ready = StartAsync();
    }

    /// <summary>Completes once the feed has a published state to hand out.</summary>
    public Task Ready { get; }

    /// <summary>Watchers, and streams about to become watchers, that keep this feed alive.</summary>
    public int Users { get; set; }

    /// <summary>Adds a watcher and says what it gets first: nothing, the changes after its last event id, or a snapshot.</summary>
    public (SeatWatcher Watcher, IReadOnlyList<SseFrame> Initial, long? Resume) Join(long? lastEventId)
    {
        var watcher = new SeatWatcher(_options.QueueLength);
        lock (_gate)
        {
            _watchers.Add(watcher);
            if (lastEventId is not { } last)
            {
                return (watcher, [SnapshotFrame()], null);
            }

            if (last == _version)
            {
                return (watcher, [], null);
            }

            if (last < _version && _recent.TryPeek(out var oldest) && oldest.Version <= last + 1)
            {
                return (watcher, [.. _recent.Where(f => f.Version > last)], null);
            }

            // Perhaps the backplane still keeps them (the client watched through another instance); else the snapshot.
            return (watcher, [SnapshotFrame()], last < _version ? last : null);
        }
    }

    /// <summary>
    /// The changes after <paramref name="after"/> up to <paramref name="upTo"/> as the backplane keeps them (for a
    /// client that watched through another instance), or null when they are no longer all kept.
    /// </summary>
    public async Task<IReadOnlyList<SseFrame>?> MissedAsync(long after, long upTo)
    {
        var missed = await _backplane.ChangesAfterAsync(_showId, after);
        if (missed is null || missed.Count == 0 || missed[^1].Version < upTo)
        {
            return null;
        }

        return [.. missed.Where(c => c.Version <= upTo).Select(c => SseFrame.Event(c.Version, "seats", c.Json))];
    }

    public void Leave(SeatWatcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }

        watcher.Close();
    }

    /// <summary>The whole seat map at the mirror's version, formatted once per version.</summary>
    public SseFrame SnapshotFrame()
    {
        lock (_gate)
        {
            if (_snapshot is { } cached && cached.Version == _version)
            {
                return cached;
            }

            var layout = _layout ?? throw new InvalidOperationException("The feed has no seat map yet.");
            var rows = layout.Rows.Select(row => new SeatMapRow(row.Label, [.. row.Seats.Select(seat =>
                _statuses.TryGetValue(seat.Id, out var name) ? seat with { Status = SeatStatusNames.Parse(name) } : seat)])).ToList();
            var snapshot = new SeatMapSnapshot(_version, layout.ShowId, layout.Currency, rows, SeatSummary.Of(rows));
            _snapshot = SseFrame.Event(_version, "snapshot", JsonSerializer.SerializeToUtf8Bytes(snapshot, _json));
            return _snapshot;
        }
    }

    /// <summary>A change published by any instance, in version order.</summary>
    public void OnPublished(PublishedChange change)
    {
        lock (_gate)
        {
            if (_pending is not null)
            {
                _pending.Add(change);
                return;
            }

            if (change.Version <= _version)
            {
                return;
            }

            if (change.Version != _version + 1)
            {
                // Some change never arrived (the connection to Redis dropped, or the feed's keys lapsed): start over
                // from the published state; every watcher gets a fresh snapshot.
                _pending = [change];
                _ = ReloadAsync();
                return;
            }

            Apply(change);
        }
    }

    /// <summary>A change counter from any instance: the seat map is read again unless a reading since covers it.</summary>
    public void OnChangeCount(long count)
    {
        lock (_gate)
        {
            if (count <= _countSeen)
            {
                return;
            }

            _countSeen = count;
            if (_reading)
            {
                return;
            }

            _reading = true;
        }

        _ = Task.Run(ReadLoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _heartbeat.DisposeAsync();
        await _expiryTimer.DisposeAsync();
        lock (_gate)
        {
            _watchers.ForEach(w => w.Close());
            _watchers.Clear();
        }

        try
        {
            await _backplane.UnfollowAsync(_showId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _logger.LogWarning(exception, "Could not stop following show {ShowId}.", _showId);
        }

        // _stopping stays undisposed: a reading still on its way checks it when it ends.
    }

    private async Task StartAsync()
    {
        await _backplane.FollowAsync(_showId);
        var count = await _backplane.ChangeCountAsync(_showId);
        lock (_gate)
        {
            _countSeen = Math.Max(_countSeen, count);
        }

        await ReadAndPublishAsync(count);
        await LoadPublishedAsync(resync: false);
    }

    private async Task ReloadAsync()
    {
        try
        {
            await LoadPublishedAsync(resync: true);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            _logger.LogError(exception, "Could not reload the published seats of show {ShowId}.", _showId);
        }
    }

    /// <summary>Takes the published state as the mirror, then the changes that arrived while it was read.</summary>
    private async Task LoadPublishedAsync(bool resync)
    {
        var (version, statuses) = await _backplane.PublishedAsync(_showId);
        lock (_gate)
        {
            var pending = _pending ?? [];
            _pending = null;
            if (version >= _version)
            {
                _statuses = statuses;
                _version = version;
                _recent.Clear();
                _snapshot = null;
            }

            // Changes published after the state was read follow on from it; older ones are in it already.
            foreach (var change in pending.OrderBy(c => c.Version).Where(c => c.Version == _version + 1))
            {
                Apply(change);
            }

            if (resync)
            {
                _watchers.ForEach(w => w.FallBehind());
            }
        }
    }

    private void Apply(PublishedChange change)
    {
        var data = JsonSerializer.Deserialize<SeatsChange>(change.Json, _json)
            ?? throw new FormatException("A published seat change is empty.");
        foreach (var seat in data.Seats)
        {
            _statuses[seat.Id] = SeatStatusNames.Of(seat.Status);
        }

        _version = change.Version;
        var frame = SseFrame.Event(change.Version, "seats", change.Json);
        _recent.Enqueue(frame);
        while (_recent.Count > _options.KeptChanges)
        {
            _recent.Dequeue();
        }

        _watchers.ForEach(w => w.Offer(frame));
    }

    private void Broadcast(SseFrame frame)
    {
        lock (_gate)
        {
            _watchers.ForEach(w => w.Offer(frame));
        }
    }

    private async Task ReadLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            long count;
            lock (_gate)
            {
                if (_countRead >= _countSeen)
                {
                    _reading = false;
                    return;
                }

                count = _countSeen;
            }

            try
            {
                await ReadAndPublishAsync(count);
                lock (_gate)
                {
                    _countRead = Math.Max(_countRead, count);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!_stopping.IsCancellationRequested)
            {
                _logger.LogError(exception, "Could not publish the seats of show {ShowId}; trying again.", _showId);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None);
            }
        }
    }

    /// <summary>Reads the seat map (after the change counter reached <paramref name="count"/>) and publishes it.</summary>
    private async Task ReadAndPublishAsync(long count)
    {
        var now = _time.GetUtcNow();
        SeatMapReading? reading;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            reading = await scope.ServiceProvider.GetRequiredService<SeatMapReader>().ReadAsync(_showId, now, _stopping.Token);
        }

        if (reading is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_layout, reading.Map))
            {
                _layout = reading.Map;
                _snapshot = null;
            }
        }

        // The lapses are noted before the holds are published, so whoever sees a hold can rely on its lapse being announced.
        if (reading.HoldExpiries.Count > 0)
        {
            await _backplane.ExpectExpiriesAsync(_showId, reading.HoldExpiries);
            ScheduleExpiry(reading.EarliestExpiry!.Value);
        }

        var seats = reading.Map.Rows.SelectMany(r => r.Seats).Select(s => new SeatState(s.Id, s.Status)).ToList();
        await _backplane.PublishAsync(_showId, count, seats);
    }

    private void ScheduleExpiry(DateTimeOffset due)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_expiryDue is { } scheduled && scheduled <= due && scheduled > now)
            {
                return;
            }

            _expiryDue = due;
            // A lapse already past (the reading took its time) is claimed at once.
            _expiryTimer.Change(due > now ? due - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task ClaimExpiriesAsync()
    {
        lock (_gate)
        {
            _expiryDue = null;
        }

        try
        {
            await _backplane.ClaimExpiriesAsync(_showId, _time.GetUtcNow());
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            _logger.LogError(exception, "Could not announce lapsed holds of show {ShowId}.", _showId);
        }
    }
}
