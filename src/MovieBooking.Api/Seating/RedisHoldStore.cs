using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using StackExchange.Redis;

namespace MovieBooking.Api.Seating;

/// <summary>
/// Holds in Redis. Every key of a show shares the hash tag <c>{show:&lt;id&gt;}</c>, so each script runs atomically on
/// one node, Redis Cluster included. A seat key's value is <c>holdId|expiresAtMs</c>: expiry is judged by the
/// service's clock (the key's own TTL only collects garbage), and release and sale compare the hold id first.
/// </summary>
internal sealed class RedisHoldStore(IConnectionMultiplexer redis, MovieBookingDb db) : IHoldStore
{
    // SE.Redis sends a script once and then runs it by its SHA (EVALSHA), reloading it if the server lost it.

    // KEYS: user set, hold, held map, sold set, sold-loaded marker, seat keys…;
    // ARGV: hold id, user id, key TTL ms, now ms, max seats, expiry ms, seat ids…
    // The sold set is a copy of the database's sold seats, loaded on first use (and again after Redis lost it).

    // Keys outlive their hold a little so a lapsed hold can still be read for its booking's bookkeeping.
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private const string HoldScript = """
        if redis.call('EXISTS', KEYS[5]) == 0 then return {'LOAD'} end
        local n = #KEYS - 5
        local now = tonumber(ARGV[4])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local held = redis.call('ZCARD', KEYS[1])
        if held + n > tonumber(ARGV[5]) then return {'LIMIT', tostring(held)} end
        local taken = {}
        for i = 1, n do
          local seat = ARGV[6 + i]
          local current = redis.call('GET', KEYS[5 + i])
          local live = current and tonumber(string.match(current, '|(%d+)$')) > now
          if live or redis.call('SISMEMBER', KEYS[4], seat) == 1 then taken[#taken + 1] = seat end
        end
        if #taken > 0 then return {'TAKEN', unpack(taken)} end
        local value = ARGV[1] .. '|' .. ARGV[6]
        local seats = {}
        for i = 1, n do
          local seat = ARGV[6 + i]
          seats[i] = seat
          redis.call('SET', KEYS[5 + i], value, 'PX', ARGV[3])
          redis.call('ZADD', KEYS[1], ARGV[6], seat)
          redis.call('HSET', KEYS[3], seat, value)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('HSET', KEYS[2], 'user', ARGV[2], 'expires', ARGV[6], 'seats', table.concat(seats, ','))
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return {'OK'}
        """;

    // KEYS: user set, hold, held map, seat keys…; ARGV: hold id, seat ids…
    private const string ReleaseScript = """
        local prefix = ARGV[1] .. '|'
        for i = 4, #KEYS do
          local seat = ARGV[i - 2]
          local current = redis.call('GET', KEYS[i])
          if current and string.sub(current, 1, #prefix) == prefix then redis.call('DEL', KEYS[i]) end
          local mapped = redis.call('HGET', KEYS[3], seat)
          if mapped and string.sub(mapped, 1, #prefix) == prefix then redis.call('HDEL', KEYS[3], seat) end
          redis.call('ZREM', KEYS[1], seat)
        end
        redis.call('DEL', KEYS[2])
        return 1
        """;

    // KEYS: seat keys…; ARGV: hold id, now, seat ids… → the seats another live hold has.
    private const string FenceScript = """
        local prefix = ARGV[1] .. '|'
        local now = tonumber(ARGV[2])
        local taken = {}
        for i = 1, #KEYS do
          local current = redis.call('GET', KEYS[i])
          if current and string.sub(current, 1, #prefix) ~= prefix and tonumber(string.match(current, '|(%d+)$')) > now then
            taken[#taken + 1] = ARGV[i + 2]
          end
        end
        return taken
        """;

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        var hold = request.Hold;
        var tag = Tag(hold.ShowId);
        var ttl = hold.ExpiresAt - request.Now + Grace;
        RedisKey[] keys =
        [
            UserKey(tag, hold.UserId), HoldKey(tag, hold.HoldId), MapKey(tag), SoldKey(tag), SoldLoadedKey(tag),
            .. hold.SeatIds.Select(s => SeatKey(tag, s)),
        ];
        RedisValue[] args =
        [
            hold.HoldId.ToString(), hold.UserId.ToString(), (long)ttl.TotalMilliseconds, request.Now.ToUnixTimeMilliseconds(),
            request.MaxSeatsPerUser, hold.ExpiresAt.ToUnixTimeMilliseconds(), .. hold.SeatIds.Select(s => (RedisValue)s),
        ];
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(HoldScript, keys, args))!;
        if ((string?)result[0] == "LOAD")
        {
            await LoadSoldSeatsAsync(hold.ShowId, cancellationToken);
            result = (RedisResult[])(await Database.ScriptEvaluateAsync(HoldScript, keys, args))!;
        }

        switch ((string?)result[0])
        {
            case "OK":
                await Database.StringSetAsync(HoldRef(hold.HoldId), hold.ShowId.ToString(), ttl);
                return new HoldOutcome.Granted(hold);
            case "LIMIT":
                return new HoldOutcome.OverLimit(int.Parse((string)result[1]!, CultureInfo.InvariantCulture));
            default:
                return new HoldOutcome.Unavailable([.. result.Skip(1).Select(r => (string)r!)]);
        }
    }

    private async Task LoadSoldSeatsAsync(Guid showId, CancellationToken cancellationToken)
    {
        var sold = await db.ShowSeats.AsNoTracking()
            .Where(s => s.ShowId == showId && s.Status == SeatStatus.Booked)
            .Select(s => s.SeatId)
            .ToListAsync(cancellationToken);
        var tag = Tag(showId);
        var batch = Database.CreateTransaction();
        if (sold.Count > 0)
        {
            _ = batch.SetAddAsync(SoldKey(tag), [.. sold.Select(s => (RedisValue)s)]);
        }

        _ = batch.StringSetAsync(SoldLoadedKey(tag), "1");
        await batch.ExecuteAsync();
    }

    public async Task<Hold?> FindAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var show = await Database.StringGetAsync(HoldRef(holdId));
        if (show.IsNullOrEmpty || !Guid.TryParse((string?)show, out var showId))
        {
            return null;
        }

        var fields = (await Database.HashGetAllAsync(HoldKey(Tag(showId), holdId))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        if (!fields.TryGetValue("user", out var user) || !fields.TryGetValue("expires", out var expires) || !fields.TryGetValue("seats", out var seats))
        {
            return null;
        }

        return new Hold(holdId, showId, Guid.Parse(user), seats.Split(','),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(expires, CultureInfo.InvariantCulture)));
    }

    public async Task ReleaseAsync(Hold hold, CancellationToken cancellationToken)
    {
        var tag = Tag(hold.ShowId);
        RedisKey[] keys = [UserKey(tag, hold.UserId), HoldKey(tag, hold.HoldId), MapKey(tag), .. hold.SeatIds.Select(s => SeatKey(tag, s))];
        await Database.ScriptEvaluateAsync(ReleaseScript, keys, [hold.HoldId.ToString(), .. hold.SeatIds.Select(s => (RedisValue)s)]);
        await Database.KeyDeleteAsync(HoldRef(hold.HoldId));
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, DateTimeOffset>();
        foreach (var entry in await Database.HashGetAllAsync(MapKey(Tag(showId))))
        {
            var value = (string)entry.Value!;
            var expires = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value[(value.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture));
            if (expires > now)
            {
                held[(string)entry.Name!] = expires;
            }
        }

        return held;
    }

    public async Task<IReadOnlyList<string>> SeatsTakenFromAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tag = Tag(hold.ShowId);
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(FenceScript,
            [.. hold.SeatIds.Select(s => SeatKey(tag, s))],
            [hold.HoldId.ToString(), now.ToUnixTimeMilliseconds(), .. hold.SeatIds.Select(s => (RedisValue)s)]))!;
        return [.. result.Select(r => (string)r!)];
    }

    public async Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken)
    {
        await Database.SetAddAsync(SoldKey(Tag(hold.ShowId)), [.. hold.SeatIds.Select(s => (RedisValue)s)]);
        await ReleaseAsync(hold, cancellationToken);
    }

    private IDatabase Database => redis.GetDatabase();

    private static string Tag(Guid showId) => $"{{show:{showId}}}";

    private static RedisKey SeatKey(string tag, string seatId) => $"{tag}:seat:{seatId}";

    private static RedisKey UserKey(string tag, Guid userId) => $"{tag}:user:{userId}";

    private static RedisKey HoldKey(string tag, Guid holdId) => $"{tag}:hold:{holdId}";

    private static RedisKey MapKey(string tag) => $"{tag}:held";

    private static RedisKey SoldKey(string tag) => $"{tag}:sold";

    private static RedisKey SoldLoadedKey(string tag) => $"{tag}:sold-loaded";

    private static RedisKey HoldRef(Guid holdId) => $"hold:{holdId}";
}
