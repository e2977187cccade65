using MovieBooking.Api.Infrastructure;
using MovieBooking.Servers;
using StackExchange.Redis;

namespace MovieBooking.Tests.Data;

public sealed class RedisBatcherTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ConnectionMultiplexer _connection = null!;
    private RedisBatcher _batcher = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _batcher = new RedisBatcher(_connection);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Many_callers_at_once_each_get_the_answer_to_their_own_command()
    {
        const int callers = 200;
        var answers = await Task.WhenAll(Enumerable.Range(0, callers).Select(i =>
            Task.Run(() => _batcher.SendAsync(batch => batch.StringIncrementAsync($"counter:{i % 10}", i + 1)))));

        // Every counter got each of its increments once, and each caller saw the counter right after its own.
        var db = _connection.GetDatabase();
        for (var key = 0; key < 10; key++)
        {
            var increments = Enumerable.Range(0, callers).Where(i => i % 10 == key).ToList();
            Assert.Equal(increments.Sum(i => i + 1), (long)await db.StringGetAsync($"counter:{key}"));
            Assert.Equal(increments.Count, increments.Select(i => answers[i]).Distinct().Count());
            Assert.All(increments, i => Assert.True(answers[i] >= i + 1, $"Caller {i} saw {answers[i]}, less than its own increment."));
        }
    }

    [Fact]
    public async Task Commands_reach_redis_in_the_order_they_were_queued()
    {
        // Queued without waiting for answers, with pauses so that they span several batches.
        var sent = new List<Task<long>>();
        for (var i = 0; i < 500; i++)
        {
            var value = i;
            sent.Add(_batcher.SendAsync(batch => batch.ListRightPushAsync("order", value)));
            if (i % 50 == 49)
            {
                await Task.Delay(1);
            }
        }

        var lengths = await Task.WhenAll(sent);

        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), lengths);
        var list = await _connection.GetDatabase().ListRangeAsync("order");
        Assert.Equal(Enumerable.Range(0, 500), list.Select(v => (int)v));
    }

    [Fact]
    public async Task A_failing_command_fails_its_own_caller_and_the_commands_around_it_keep_their_answers()
    {
        await _connection.GetDatabase().StringSetAsync("text", "not a number");

        var before = _batcher.SendAsync(batch => batch.StringSetAsync("before", "1"));
        var failing = _batcher.SendAsync(batch => batch.StringIncrementAsync("text"));
        var refused = _batcher.SendAsync<bool>(_ => throw new InvalidOperationException("refused before it was sent"));
        var after = _batcher.SendAsync(batch => batch.StringIncrementAsync("after", 5));

        Assert.True(await before);
        await Assert.ThrowsAsync<RedisServerException>(() => failing);
        Assert.Equal("refused before it was sent", (await Assert.ThrowsAsync<InvalidOperationException>(() => refused)).Message);
        Assert.Equal(5, await after);
    }
}
