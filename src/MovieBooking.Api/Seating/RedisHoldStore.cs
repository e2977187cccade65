using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Realtime;
using StackExchange.Redis;

namespace MovieBooking.Api.Seating;

/// <summary>
/// Holds in Redis. Every key of a show shares the hash tag <c>{show:&lt;id&gt;}</c>, so each script runs atomically on
/// one node, Redis Cluster included:
/// <list type="bullet">
/// <item><c>:held</c>, a hash of seat → <c>holdId|expiresAtMs</c>, the one record of which hold has a seat. Expiry is
/// judged by the service's clock against that value; release and sale compare the hold id first (fencing).</item>
/// <item><c>:hold:&lt;id&gt;</c>, the hold (user, expiry, seats, and whether a booking took it), gone once released.</item>
/// <item><c>:user:&lt;id&gt;</c>, a sorted set of the user's held seats by expiry, for the per-user limit.</item>
/// <item><c>:sold</c>, a copy of the database's sold seats, loaded on first use and again after Redis lost it
/// (its member <c>*loaded</c> marks it loaded).</item>
/// </list>
/// Outside the tag, <c>hold:&lt;id&gt;</c> maps a hold id to its show, user, expiry and seats, so a hold is found in
/// one read, and <c>holds-of:&lt;user&gt;</c>, a sorted set of the user's hold ids by expiry, lists a user's holds. The instance that made a hold also remembers it until it lapses, so the usual release, through the same
/// instance, goes straight to the release script without that read; the script still decides whether the hold is there.
/// Every command goes through the <see cref="RedisBatcher"/>, so concurrent requests share writes and the store's
/// commands reach Redis in the order they were issued.
/// </summary>
internal sealed class RedisHoldStore(RedisBatcher redis, IServiceScopeFactory scopes) : IHoldStore, IDisposable
{
    /// <summary>Holds this instance remembers at most; past that, a release looks its hold up in Redis.</summary>
    private const int RememberedHolds = 50_000;

    // SE.Redis sends a script once and then runs it by its SHA (EVALSHA), reloading it if the server lost it.

    // Keys outlive their hold a little so a lapsed hold can still be read for its booking's bookkeeping.
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    // A hold or release that changes seats reports the change in the same script (RedisSeatBackplane.AnnounceFunction).

    // Lua helpers shared by the scripts. Each command costs a script about a microsecond on top of its own work, so
    // the scripts read and write all of a hold's seats with one command each (HMGET, HSET, HDEL, ZADD, ZREM).
    //   expiry(value): the expiry (ms) of a held map value "holdId|expiresAtMs".
    //   extend(key, ttl): gives the key at least ttl ms to live, never less than it has (PEXPIRE … GT, Redis 7, treats a
    //   key without an expiry as living forever, so one just written gets its first expiry with a plain PEXPIRE).
    private const string Helpers = """
        local function expiry(value) return tonumber(string.match(value, '|(%d+)$')) end
        local function extend(key, ttl)
          if redis.call('PEXPIRE', key, ttl, 'GT') == 0 and redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, ttl) end
        end

        """;

    // KEYS: user set, hold, held map, sold set, feed;
    // ARGV: hold id, user id, key TTL ms, now ms, max seats, expiry ms, the announcement (4), the count of seats to
    // hold, those seats, then the guard seats (which must be free too, and stay so).
    // The sold set holds the member SoldLoaded once it has been filled from the database (LoadSoldSeatsAsync), so one
    // SMISMEMBER tells whether it is loaded and which of the seats are sold.
    private const string HoldScript = RedisSeatBackplane.AnnounceFunction + Helpers + $$"""
        local now = tonumber(ARGV[4])
        local count = tonumber(ARGV[11])
        local checked = {unpack(ARGV, 12)}
        local seats = {unpack(checked, 1, count)}
        local sold = redis.call('SMISMEMBER', KEYS[4], '{{SoldLoaded}}', unpack(checked))
        if sold[1] == 0 then return {'LOAD'} end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local held = redis.call('ZCARD', KEYS[1])
        if held + #seats > tonumber(ARGV[5]) then return {'LIMIT', tostring(held)} end
        local current = redis.call('HMGET', KEYS[3], unpack(checked))
        local taken, moved = {}, false
        for i, seat in ipairs(checked) do
          if sold[i + 1] == 1 or (current[i] and expiry(current[i]) > now) then
            if i <= count then taken[#taken + 1] = seat else moved = true end
          end
        end
        if #taken > 0 then return {'TAKEN', unpack(taken)} end
        if moved then return {'MOVED'} end
        local value = ARGV[1] .. '|' .. ARGV[6]
        local fields, members = {}, {}
        for i, seat in ipairs(seats) do
          fields[2 * i - 1], fields[2 * i] = seat, value
          members[2 * i - 1], members[2 * i] = ARGV[6], seat
        end
        redis.call('HSET', KEYS[3], unpack(fields))
        redis.call('ZADD', KEYS[1], unpack(members))
        local ttl = ARGV[3]
        -- The user's set was empty, and so gone, before this hold: it is new and gets its first expiry.
        if held == 0 then redis.call('PEXPIRE', KEYS[1], ttl) else extend(KEYS[1], ttl) end
        extend(KEYS[3], ttl)
        redis.call('HSET', KEYS[2], 'user', ARGV[2], 'expires', ARGV[6], 'seats', table.concat(seats, ','))
        redis.call('PEXPIRE', KEYS[2], ttl)
        announce(KEYS[5], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
        return {'OK'}
        """;

    // KEYS: user set, hold, held map, feed; ARGV: hold id, 'own' or 'any', user id, now ms, the announcement (4).
    // 'own' is the user letting go: only their live hold that no booking took, and the release is announced here.
    // 'any' is a booking's bookkeeping, which announces its own change once the database committed it.
    private const string ReleaseScript = RedisSeatBackplane.AnnounceFunction + """
        local hold = redis.call('HMGET', KEYS[2], 'user', 'expires', 'seats', 'booking')
        if not hold[1] then return 'GONE' end
        if ARGV[2] == 'own' then
          if hold[1] ~= ARGV[3] or tonumber(hold[2]) <= tonumber(ARGV[4]) then return 'GONE' end
          if hold[4] then return 'BOOKED' end
        end
        local seats = {}
        for seat in string.gmatch(hold[3], '[^,]+') do seats[#seats + 1] = seat end
        local current = redis.call('HMGET', KEYS[3], unpack(seats))
        local prefix = ARGV[1] .. '|'
        local ours = {}
        for i, seat in ipairs(seats) do
          if current[i] and string.sub(current[i], 1, #prefix) == prefix then ours[#ours + 1] = seat end
        end
        if #ours > 0 then
          redis.call('HDEL', KEYS[3], unpack(ours))
          redis.call('ZREM', KEYS[1], unpack(ours))
        end
        redis.call('DEL', KEYS[2])
        if ARGV[2] == 'own' then announce(KEYS[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]) end
        return 'OK'
        """;

    // KEYS: user set, hold, held map; ARGV: hold id, new expiry ms, now ms, key TTL ms → the hold's seats, or nil when
    // it is gone or lapsed. Only seats still the hold's are moved.
    private const string ExtendScript = Helpers + """
        local hold = redis.call('HMGET', KEYS[2], 'seats', 'expires')
        if not hold[1] or tonumber(hold[2]) <= tonumber(ARGV[3]) then return false end
        local seats = {}
        for seat in string.gmatch(hold[1], '[^,]+') do seats[#seats + 1] = seat end
        local current = redis.call('HMGET', KEYS[3], unpack(seats))
        local prefix = ARGV[1] .. '|'
        local fields, members = {}, {}
        for i, seat in ipairs(seats) do
          if current[i] and string.sub(current[i], 1, #prefix) == prefix then
            fields[#fields + 1], fields[#fields + 2] = seat, prefix .. ARGV[2]
            members[#members + 1], members[#members + 2] = ARGV[2], seat
          end
        end
        if #fields > 0 then
          redis.call('HSET', KEYS[3], unpack(fields))
          redis.call('ZADD', KEYS[1], 'XX', unpack(members))
        end
        redis.call('HSET', KEYS[2], 'expires', ARGV[2])
        extend(KEYS[1], ARGV[4])
        extend(KEYS[2], ARGV[4])
        extend(KEYS[3], ARGV[4])
        return hold[1]
        """;

    // KEYS: hold; ARGV: user id, now ms.
    private const string ClaimScript = """
        local hold = redis.call('HMGET', KEYS[1], 'user', 'expires', 'booking')
        if hold[1] ~= ARGV[1] or hold[3] or tonumber(hold[2]) <= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'booking', '1')
        return 1
        """;

    // KEYS: held map; ARGV: hold id, now ms, seat ids… → the seats another live hold has.
    private const string FenceScript = Helpers + """
        local prefix = ARGV[1] .. '|'
        local now = tonumber(ARGV[2])
        local seats = {unpack(ARGV, 3)}
        local current = redis.call('HMGET', KEYS[1], unpack(seats))
        local taken = {}
        for i, seat in ipairs(seats) do
          local value = current[i]
          if value and string.sub(value, 1, #prefix) ~= prefix and expiry(value) > now then taken[#taken + 1] = seat end
        end
        return taken
        """;

    // The sold set's member that marks it loaded from the database; no seat id looks like it.
    private const string SoldLoaded = "*loaded";

    // Holds made here, by id, until they lapse. What a hold is (show, user, seats, expiry) never changes, and whether
    // it is still held is judged by the release script, so a hold released through another instance is merely
    // remembered a little longer than needed.
    private readonly MemoryCache _madeHere = new(new MemoryCacheOptions { SizeLimit = RememberedHolds });

    public bool AnnouncesHoldsAndReleases => true;

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        var hold = request.Hold;
        var tag = Tag(hold.ShowId);
        var ttl = hold.ExpiresAt - request.Now + Grace;
        RedisKey[] keys =
        [
            UserKey(tag, hold.UserId), HoldKey(tag, hold.HoldId), MapKey(tag), SoldKey(tag),
            RedisSeatBackplane.FeedKey(hold.ShowId),
        ];
        RedisValue[] args =
        [
            hold.HoldId.ToString(), hold.UserId.ToString(), (long)ttl.TotalMilliseconds, request.Now.ToUnixTimeMilliseconds(),
            request.MaxSeatsPerUser, hold.ExpiresAt.ToUnixTimeMilliseconds(), .. RedisSeatBackplane.Announcement(hold.ShowId, showItself: false),
            hold.SeatIds.Count, .. hold.SeatIds.Select(s => (RedisValue)s), .. request.Guard.Select(s => (RedisValue)s),
        ];

        // The reference is queued just ahead of the script and reaches Redis first, usually in the same write: nobody
        // knows the new hold id before the answer, and it is removed again if the hold is refused.
        var reference = redis.SendAsync(batch => batch.StringSetAsync(HoldRef(hold.HoldId), Reference(hold), ttl));
        var script = redis.SendAsync(batch => batch.ScriptEvaluateAsync(HoldScript, keys, args));
        // Both awaited together, so neither's failure (Redis gone) goes unobserved.
        await Task.WhenAll(reference, script);
        var result = (RedisResult[])(await script)!;
        if ((string?)result[0] == "LOAD")
        {
            await LoadSoldSeatsAsync(hold.ShowId, cancellationToken);
            result = (RedisResult[])(await redis.SendAsync(batch => batch.ScriptEvaluateAsync(HoldScript, keys, args)))!;
        }

        var status = (string?)result[0];
        if (status == "OK")
        {
            // Its lifetime measured from now, as the cache's clock may not be the service's.
            _madeHere.Set(hold.HoldId, hold, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = hold.ExpiresAt - request.Now });
            // Not awaited: the index only lists holds, and leaves ahead of any later command of this store.
            _ = redis.SendAsync(batch => batch.SortedSetAddAsync(HoldsOf(hold.UserId), hold.HoldId.ToString(), hold.ExpiresAt.ToUnixTimeMilliseconds(), CommandFlags.FireAndForget));
            _ = redis.SendAsync(batch => batch.KeyExpireAsync(HoldsOf(hold.UserId), ttl, CommandFlags.FireAndForget));
        }
        else
        {
            await redis.SendAsync(batch => batch.KeyDeleteAsync(HoldRef(hold.HoldId)));
        }

        return status switch
        {
            "OK" => new HoldOutcome.Granted(hold),
            "LIMIT" => new HoldOutcome.OverLimit(int.Parse((string)result[1]!, CultureInfo.InvariantCulture)),
            "MOVED" => new HoldOutcome.MapChanged(),
            _ => new HoldOutcome.Unavailable([.. result.Skip(1).Select(r => (string)r!)]),
        };
    }

    private async Task LoadSoldSeatsAsync(Guid showId, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var sold = await scope.ServiceProvider.GetRequiredService<MovieBookingDb>().ShowSeats.AsNoTracking()
            .Where(s => s.ShowId == showId && s.Status == SeatStatus.Booked)
            .Select(s => s.SeatId)
            .ToListAsync(cancellationToken);
        RedisValue[] members = [SoldLoaded, .. sold.Select(s => (RedisValue)s)];
        await redis.SendAsync(batch => batch.SetAddAsync(SoldKey(Tag(showId)), members));
    }

    public async Task<IReadOnlyList<Hold>> LiveHoldsOfAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = HoldsOf(userId);
        var ids = await redis.SendAsync(batch => batch.SortedSetRangeByScoreAsync(key, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start));
        var holds = new List<Hold>();
        foreach (var id in ids)
        {
            if (Guid.TryParse((string?)id, out var holdId) && await FindAsync(holdId, cancellationToken) is { } hold && hold.IsLiveAt(now)
                && await IsStillHeldAsync(hold))
            {
                holds.Add(hold);
            }
        }

        _ = redis.SendAsync(batch => batch.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), flags: CommandFlags.FireAndForget));
        return holds;
    }

    /// <summary>Whether the hold's record is still in its show's keys (a released hold's is gone).</summary>
    private async Task<bool> IsStillHeldAsync(Hold hold) =>
        await redis.SendAsync(batch => batch.KeyExistsAsync(HoldKey(Tag(hold.ShowId), hold.HoldId)));

    public async Task<Hold?> FindAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var value = (string?)await redis.SendAsync(batch => batch.StringGetAsync(HoldRef(holdId)));
        var parts = value?.Split('|');
        if (parts is not { Length: 4 }
            || !Guid.TryParse(parts[0], out var showId)
            || !Guid.TryParse(parts[1], out var userId)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        return new Hold(holdId, showId, userId, parts[3].Split(','), DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    public async Task ExtendAsync(Hold hold, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tag = Tag(hold.ShowId);
        var ttl = until - now + Grace;
        var seats = (string?)await redis.SendAsync(batch => batch.ScriptEvaluateAsync(ExtendScript,
            [UserKey(tag, hold.UserId), HoldKey(tag, hold.HoldId), MapKey(tag)],
            [hold.HoldId.ToString(), until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), (long)ttl.TotalMilliseconds]));
        if (seats is null)
        {
            return;
        }

        // The lookups outside the show's keys follow (a lookup of the hold finds its new expiry).
        var extended = hold with { SeatIds = seats.Split(','), ExpiresAt = until };
        await redis.SendAsync(batch => batch.StringSetAsync(HoldRef(hold.HoldId), Reference(extended), ttl));
        _ = redis.SendAsync(batch => batch.SortedSetAddAsync(HoldsOf(hold.UserId), hold.HoldId.ToString(), until.ToUnixTimeMilliseconds(), CommandFlags.FireAndForget));
        _ = redis.SendAsync(batch => batch.KeyExpireAsync(HoldsOf(hold.UserId), ttl, CommandFlags.FireAndForget));
        _madeHere.Set(hold.HoldId, extended, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
    }

    public async Task ReleaseAsync(Hold hold, CancellationToken cancellationToken) =>
        await RunReleaseAsync(hold.HoldId, hold.ShowId, hold.UserId, "any", DateTimeOffset.MinValue);

    public async Task<HoldRelease> ReleaseOwnAsync(Guid holdId, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hold = _madeHere.TryGetValue(holdId, out Hold? madeHere) ? madeHere : await FindAsync(holdId, cancellationToken);
        if (hold is null || hold.UserId != userId)
        {
            return new HoldRelease.NotFound();
        }

        return await RunReleaseAsync(holdId, hold.ShowId, userId, "own", now) switch
        {
            "OK" => new HoldRelease.Released(hold.ShowId),
            "BOOKED" => new HoldRelease.Booked(),
            _ => new HoldRelease.NotFound(),
        };
    }

    private async Task<string?> RunReleaseAsync(Guid holdId, Guid showId, Guid userId, string mode, DateTimeOffset now)
    {
        var tag = Tag(showId);
        RedisKey[] keys = [UserKey(tag, userId), HoldKey(tag, holdId), MapKey(tag), RedisSeatBackplane.FeedKey(showId)];
        RedisValue[] args =
            [holdId.ToString(), mode, userId.ToString(), now.ToUnixTimeMilliseconds(), .. RedisSeatBackplane.Announcement(showId, showItself: false)];
        var outcome = (string?)await redis.SendAsync(batch => batch.ScriptEvaluateAsync(ReleaseScript, keys, args));
        _madeHere.Remove(holdId);
        if (outcome == "OK")
        {
            // Not awaited: the hold itself is gone, and the deletion leaves ahead of any later command of this store,
            // so a lookup by this instance cannot find the reference any more.
            _ = redis.SendAsync(batch => batch.KeyDeleteAsync(HoldRef(holdId), CommandFlags.FireAndForget));
            _ = redis.SendAsync(batch => batch.SortedSetRemoveAsync(HoldsOf(userId), holdId.ToString(), CommandFlags.FireAndForget));
        }

        return outcome;
    }

    public async Task<bool> ClaimForBookingAsync(Hold hold, DateTimeOffset now, CancellationToken cancellationToken) =>
        (int)await redis.SendAsync(batch => batch.ScriptEvaluateAsync(ClaimScript, [HoldKey(Tag(hold.ShowId), hold.HoldId)],
            [hold.UserId.ToString(), now.ToUnixTimeMilliseconds()])) == 1;

    public async Task<IReadOnlySet<string>> TakenSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sold = SoldKey(Tag(showId));
        var soldSeats = redis.SendAsync(batch => batch.SetMembersAsync(sold));
        var held = HeldSeatsAsync(showId, now, cancellationToken);
        await Task.WhenAll(soldSeats, held);
        var members = await soldSeats;
        if (!members.Contains(SoldLoaded))
        {
            await LoadSoldSeatsAsync(showId, cancellationToken);
            members = await redis.SendAsync(batch => batch.SetMembersAsync(sold));
        }

        var taken = (await held).Keys.ToHashSet(StringComparer.Ordinal);
        taken.UnionWith(members.Where(m => m != SoldLoaded).Select(m => (string)m!));
        return taken;
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> HeldSeatsAsync(Guid showId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, DateTimeOffset>();
        foreach (var entry in await redis.SendAsync(batch => batch.HashGetAllAsync(MapKey(Tag(showId)))))
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
        RedisValue[] args = [hold.HoldId.ToString(), now.ToUnixTimeMilliseconds(), .. hold.SeatIds.Select(s => (RedisValue)s)];
        var result = (RedisResult[])(await redis.SendAsync(batch => batch.ScriptEvaluateAsync(FenceScript, [MapKey(Tag(hold.ShowId))], args)))!;
        return [.. result.Select(r => (string)r!)];
    }

    public async Task MarkSoldAsync(Hold hold, CancellationToken cancellationToken)
    {
        RedisValue[] seats = [.. hold.SeatIds.Select(s => (RedisValue)s)];
        await redis.SendAsync(batch => batch.SetAddAsync(SoldKey(Tag(hold.ShowId)), seats));
        await ReleaseAsync(hold, cancellationToken);
    }

    public async Task ReturnSoldAsync(Guid showId, IReadOnlyList<string> seatIds, CancellationToken cancellationToken)
    {
        RedisValue[] seats = [.. seatIds.Select(s => (RedisValue)s)];
        await redis.SendAsync(batch => batch.SetRemoveAsync(SoldKey(Tag(showId)), seats));
    }

    /// <summary>The copy is loaded again from the database by the next hold of the show, as after Redis lost it.</summary>
    public async Task ForgetSoldAsync(Guid showId, CancellationToken cancellationToken) =>
        await redis.SendAsync(batch => batch.KeyDeleteAsync(SoldKey(Tag(showId))));

    public void Dispose() => _madeHere.Dispose();

    private static string Reference(Hold hold) =>
        string.Create(CultureInfo.InvariantCulture, $"{hold.ShowId}|{hold.UserId}|{hold.ExpiresAt.ToUnixTimeMilliseconds()}|{string.Join(',', hold.SeatIds)}");

    private static string Tag(Guid showId) => $"{{show:{showId}}}";

    private static RedisKey UserKey(string tag, Guid userId) => $"{tag}:user:{userId}";

    private static RedisKey HoldKey(string tag, Guid holdId) => $"{tag}:hold:{holdId}";

    private static RedisKey MapKey(string tag) => $"{tag}:held";

    private static RedisKey SoldKey(string tag) => $"{tag}:sold";

    private static RedisKey HoldRef(Guid holdId) => $"hold:{holdId}";

    private static RedisKey HoldsOf(Guid userId) => $"holds-of:{userId}";
}
