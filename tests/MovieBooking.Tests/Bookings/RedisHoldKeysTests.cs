using System.Net;
using MovieBooking.Tests.Infrastructure;
using StackExchange.Redis;

namespace MovieBooking.Tests.Bookings;

/// <summary>
/// The keys the Redis hold store writes for a show lapse on their own, a later hold never shortens them, and the
/// instance that made a hold releases it without reading its reference.
/// </summary>
public sealed class RedisHoldKeysTests(RedisAppFixture fixture) : HoldsApiTestsBase(fixture), IClassFixture<RedisAppFixture>
{
    // The hold lasts 5 minutes, and its keys a minute longer.
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(6);

    private readonly RedisServer _redis = fixture.Redis;

    [Fact]
    public async Task A_holds_keys_lapse_with_it_and_a_later_hold_extends_them_but_never_shortens_them()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = (await HoldAsync(shoppers[0], show, "A1", "A2")).GetProperty("holdId").GetString();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var db = redis.GetDatabase();
        var map = (RedisKey)$"{{show:{show}}}:held";
        var record = (RedisKey)$"{{show:{show}}}:hold:{hold}";
        var user = (RedisKey)(await redis.GetServer(_redis.Configuration).KeysAsync(pattern: $"{{show:{show}}}:user:*").SingleAsync());
        foreach (var key in new[] { map, record, user })
        {
            AssertLifetime(KeyLifetime, await db.KeyTimeToLiveAsync(key), key);
        }

        // A key about to lapse is given the new hold's lifetime again.
        await db.KeyExpireAsync(map, TimeSpan.FromSeconds(30));
        await db.KeyExpireAsync(user, TimeSpan.FromSeconds(30));
        await HoldAsync(shoppers[0], show, "A3");
        AssertLifetime(KeyLifetime, await db.KeyTimeToLiveAsync(map), map);
        AssertLifetime(KeyLifetime, await db.KeyTimeToLiveAsync(user), user);

        // One that lives longer keeps its lifetime.
        await db.KeyExpireAsync(map, TimeSpan.FromHours(1));
        await HoldAsync(shoppers[1], show, "B1");
        AssertLifetime(TimeSpan.FromHours(1), await db.KeyTimeToLiveAsync(map), map);
    }

    [Fact]
    public async Task The_instance_that_made_a_hold_releases_it_without_reading_its_reference()
    {
        var (show, shoppers) = await FreshShowAsync();
        var hold = (await HoldAsync(shoppers[0], show, "C1", "C2")).GetProperty("holdId").GetString();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"hold:{hold}"));

        using var released = await shoppers[0].DeleteAsync(new Uri($"/api/holds/{hold}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        var map = await SeatMapAsync(show);
        Assert.Equal(("AVAILABLE", "AVAILABLE"), (map["C1"], map["C2"]));
    }

    private static void AssertLifetime(TimeSpan expected, TimeSpan? actual, RedisKey key)
    {
        Assert.True(actual is { } left && left <= expected && left > expected - TimeSpan.FromSeconds(30),
            $"{key} lives {actual?.ToString() ?? "forever"}, expected about {expected}.");
    }
}
