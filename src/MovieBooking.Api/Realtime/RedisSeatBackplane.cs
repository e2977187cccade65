using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;
using StackExchange.Redis;

namespace MovieBooking.Api.Realtime;

/// <summary>
/// The backplane of several instances. Per show, under the show's hash tag <c>{show:&lt;id&gt;}</c> (so every script
/// runs on one node, Redis Cluster included):
/// <list type="bullet">
/// <item><c>:feed</c>, a hash of the change counter, the counter of the last published reading and the version;</item>
/// <item><c>:published</c>, a hash of seat → last published status;</item>
/// <item><c>:log</c>, the last published changes for clients that resume;</item>
/// <item><c>:expiries</c>, a sorted set of when holds lapse; the instance that removes a due entry announces it.</item>
/// </list>
/// Published changes go out once on the channel <c>{show:&lt;id&gt;}:seats</c> (sharded pub/sub on a cluster), which an
/// instance subscribes to once while it has watchers of the show. Change counters go to every instance on
/// <c>seat-changes</c>, which also keeps each instance's seat map cache honest.
/// </summary>
internal sealed class RedisSeatBackplane(
    RedisConnector connector, SeatMapCache seatMaps, ShowFactsCache shows, TimeProvider time, IOptions<SeatStreamOptions> options,
    ILogger<RedisSeatBackplane> logger) : ISeatBackplane, IHostedService
{
    private static readonly RedisChannel Notices = RedisChannel.Literal("seat-changes");

    // Keys of a show's feed live this long after its last change.
    private static readonly long TtlSeconds = (long)TimeSpan.FromDays(2).TotalSeconds;

    /// <summary>
    /// The Lua function <c>announce(feed, channel, prefix, suffix, ttl)</c> that reports a change to a show: it bumps
    /// the change counter in the show's feed and tells every instance. Scripts that change a show's seats under its
    /// hash tag call it themselves (with <see cref="FeedKey"/> and <see cref="Announcement"/>), so the change and its
    /// report are one step.
    /// </summary>
    internal const string AnnounceFunction = """
        local function announce(feed, channel, prefix, suffix, ttl)
          local n = redis.call('HINCRBY', feed, 'changes', 1)
          redis.call('EXPIRE', feed, ttl)
          redis.call('PUBLISH', channel, prefix .. n .. suffix)
          return n
        end

        """;

    // KEYS: feed; ARGV: the announcement
    private const string ChangeScript = AnnounceFunction + """
        return announce(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
        """;

    // KEYS: feed, published, log; ARGV: change count, now ms, kept changes, TTL s, publish command, channel, seat, status, …
    private const string PublishScript = """
        local count = tonumber(ARGV[1])
        local fresh = redis.call('EXISTS', KEYS[2]) == 0
        if not fresh and count <= tonumber(redis.call('HGET', KEYS[1], 'announced') or '0') then return 0 end
        redis.call('HSET', KEYS[1], 'announced', ARGV[1])
        local parts = {}
        for i = 7, #ARGV, 2 do
          if redis.call('HGET', KEYS[2], ARGV[i]) ~= ARGV[i + 1] then
            redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
            parts[#parts + 1] = '{"id":' .. cjson.encode(ARGV[i]) .. ',"status":"' .. ARGV[i + 1] .. '"}'
          end
        end
        if #parts == 0 then return 0 end
        local version
        if fresh then
          version = math.max(tonumber(redis.call('HGET', KEYS[1], 'version') or '0') + 1, tonumber(ARGV[2]))
          redis.call('HSET', KEYS[1], 'version', string.format('%d', version))
          redis.call('DEL', KEYS[3])
        else
          version = redis.call('HINCRBY', KEYS[1], 'version', 1)
        end
        local json = '{"version":' .. string.format('%d', version) .. ',"seats":[' .. table.concat(parts, ',') .. ']}'
        redis.call('RPUSH', KEYS[3], json)
        redis.call('LTRIM', KEYS[3], -tonumber(ARGV[3]), -1)
        redis.call(ARGV[5], ARGV[6], json)
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
        return version
        """;

    // KEYS: feed, published or log
    private const string ReadScript = """
        local version = redis.call('HGET', KEYS[1], 'version') or '0'
        if redis.call('TYPE', KEYS[2]).ok == 'list' then return {version, redis.call('LRANGE', KEYS[2], 0, -1)} end
        return {version, redis.call('HGETALL', KEYS[2])}
        """;

    // KEYS: expiries, feed; ARGV: now ms, the announcement
    private const string ClaimScript = AnnounceFunction + """
        local due = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if due == 0 then return 0 end
        announce(KEYS[2], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
        return due
        """;

    private readonly ConcurrentDictionary<Guid, ChannelMessageQueue> _followed = new();
    private ISeatFeedListener? _listener;
    private ChannelMessageQueue? _notices;

    // The connection opens when the service starts, after this is made.
    private IConnectionMultiplexer Redis => connector.Multiplexer;

    private IDatabase Database => Redis.GetDatabase();

    public void Listen(ISeatFeedListener listener) => _listener = listener;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _notices = await Redis.GetSubscriber().SubscribeAsync(Notices);
        _notices.OnMessage(message => OnNotice((string)message.Message!));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_notices is null)
        {
            return;
        }

        try
        {
            await _notices.UnsubscribeAsync();
        }
        catch (Exception exception) when (exception is ObjectDisposedException or RedisException)
        {
            // The connection closed first (a host may dispose its services before it has stopped them all), and the
            // subscription went with it: nothing is left to undo.
            logger.LogDebug(exception, "The change notices were unsubscribed by the connection closing.");
        }
    }

    public void Changed(Guid showId, bool showItself)
    {
        try
        {
            // Sent without waiting: the change is committed, and the answer to the caller need not wait for the announcement.
            Database.ScriptEvaluate(ChangeScript, [FeedKey(showId)], Announcement(showId, showItself), CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            // The change stands; watchers catch up with the next change or lapse, caches within their short lifetime.
            logger.LogWarning(exception, "Could not announce a change to show {ShowId}.", showId);
        }
    }

    public async Task<long> ChangeCountAsync(Guid showId) => (long?)await Database.HashGetAsync(Key(showId, "feed"), "changes") ?? 0;

    public Task PublishAsync(Guid showId, long changeCount, IReadOnlyList<SeatState> seats)
    {
        var args = new RedisValue[6 + seats.Count * 2];
        args[0] = changeCount;
        args[1] = time.GetUtcNow().ToUnixTimeMilliseconds();
        args[2] = options.Value.KeptChanges;
        args[3] = TtlSeconds;
        args[4] = IsCluster ? "SPUBLISH" : "PUBLISH";
        args[5] = ChannelName(showId);
        for (var i = 0; i < seats.Count; i++)
        {
            args[6 + i * 2] = seats[i].Id;
            args[7 + i * 2] = SeatStatusNames.Of(seats[i].Status);
        }

        return Database.ScriptEvaluateAsync(PublishScript, [Key(showId, "feed"), Key(showId, "published"), Key(showId, "log")], args);
    }

    public async Task<(long Version, Dictionary<string, string> Seats)> PublishedAsync(Guid showId)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ReadScript, [Key(showId, "feed"), Key(showId, "published")]))!;
        var entries = (RedisResult[])result[1]!;
        var seats = new Dictionary<string, string>(entries.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i += 2)
        {
            seats[(string)entries[i]!] = (string)entries[i + 1]!;
        }

        return ((long)result[0], seats);
    }

    public async Task<IReadOnlyList<PublishedChange>?> ChangesAfterAsync(Guid showId, long version)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ReadScript, [Key(showId, "feed"), Key(showId, "log")]))!;
        var log = ((RedisResult[])result[1]!).Select(r => Parse((byte[])r!));
        return ChangeLog.After(log, version, (long)result[0]);
    }

    public async Task FollowAsync(Guid showId)
    {
        if (_followed.ContainsKey(showId))
        {
            return;
        }

        var channel = IsCluster ? RedisChannel.Sharded(ChannelName(showId)) : RedisChannel.Literal(ChannelName(showId));
        var queue = await Redis.GetSubscriber().SubscribeAsync(channel);
        // A queue delivers the channel's messages one at a time, in the order they were published.
        queue.OnMessage(message => _listener?.OnPublished(showId, Parse((byte[])message.Message!)));
        if (!_followed.TryAdd(showId, queue))
        {
            await queue.UnsubscribeAsync();
        }
    }

    public async Task UnfollowAsync(Guid showId)
    {
        if (_followed.TryRemove(showId, out var queue))
        {
            await queue.UnsubscribeAsync();
        }
    }

    public Task ExpectExpiriesAsync(Guid showId, IReadOnlyList<DateTimeOffset> expiries) =>
        Database.SortedSetAddAsync(Key(showId, "expiries"),
            [.. expiries.Select(e => e.ToUnixTimeMilliseconds()).Select(ms => new SortedSetEntry(ms, ms))]);

    public Task ClaimExpiriesAsync(Guid showId, DateTimeOffset now) =>
        Database.ScriptEvaluateAsync(ClaimScript, [Key(showId, "expiries"), FeedKey(showId)],
            [now.ToUnixTimeMilliseconds(), .. Announcement(showId, showItself: false)]);

    private void OnNotice(string notice)
    {
        // <show id>|<change count>|seats or show
        var parts = notice.Split('|');
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var showId) ||
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            logger.LogWarning("Ignored a malformed seat change notice {Notice}.", notice);
            return;
        }

        if (parts[2] == "show")
        {
            shows.Invalidate(showId);
        }

        seatMaps.Invalidate(showId);
        _listener?.OnChangeCount(showId, count);
    }

    /// <summary>A published change's version, read from the start of its JSON (<c>{"version":n,…</c>).</summary>
    private static PublishedChange Parse(byte[] json)
    {
        var prefix = "{\"version\":"u8;
        var digits = json.AsSpan(prefix.Length);
        var end = digits.IndexOf((byte)',');
        if (!json.AsSpan().StartsWith(prefix) || end < 0 || !long.TryParse(Encoding.ASCII.GetString(digits[..end]), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new FormatException("A published seat change does not start with its version.");
        }

        return new PublishedChange(version, json);
    }

    private bool IsCluster => Redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);

    /// <summary>The show's feed, the first argument of <see cref="AnnounceFunction"/>.</summary>
    internal static RedisKey FeedKey(Guid showId) => Key(showId, "feed");

    /// <summary>The other arguments of <see cref="AnnounceFunction"/>: channel, notice prefix and suffix, feed lifetime.</summary>
    internal static RedisValue[] Announcement(Guid showId, bool showItself) =>
        [Notices.ToString(), $"{showId:N}|", showItself ? "|show" : "|seats", TtlSeconds];

    private static RedisKey Key(Guid showId, string name) => $"{{show:{showId}}}:{name}";

    private static string ChannelName(Guid showId) => $"{{show:{showId}}}:seats";
}
