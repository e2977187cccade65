using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Servers;
using Npgsql;

namespace MovieBooking.Tests.Data;

public sealed class PostgresPipelineTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private string _connectionString = "";
    private PostgresPipeline _writes = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _connectionString = await _server.CreateDatabaseAsync();
        await ExecuteAsync("CREATE TABLE seats (id text PRIMARY KEY, holder text)");
        _writes = new PostgresPipeline(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _connectionString }));
    }

    public async Task DisposeAsync()
    {
        await _writes.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _server.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task Racing_writes_on_one_row_have_one_winner_each_answered_once_committed()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1')");
        await WriteRace.AssertOneWinnerSeenByAllAsync((sql, values) => _writes.RunAsync(sql, values, scalar: false), () => HolderAsync("A1"));
    }

    [Fact]
    public async Task A_failing_statement_fails_alone_and_the_writes_around_it_keep_their_outcome()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1'), ('A2'), ('A3')");
        // Queued together, so they are likely to share a batch; each must answer as if it ran alone.
        var before = _writes.RunAsync("UPDATE seats SET holder = @p1 WHERE id = @p0", ["A1", "first"], scalar: false);
        var failing = _writes.RunAsync("INSERT INTO seats (id) VALUES (@p0)", ["A2"], scalar: false);
        var after = _writes.RunAsync("UPDATE seats SET holder = @p1 WHERE id = @p0", ["A3", "third"], scalar: false);
        var nothing = _writes.RunAsync("UPDATE seats SET holder = @p1 WHERE id = @p0 RETURNING id", ["B9", "none"], scalar: true);

        Assert.Equal(1, await before);
        var error = await Assert.ThrowsAsync<PostgresException>(() => failing);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal(1, await after);
        Assert.Null(await nothing);
        Assert.Equal("first", await HolderAsync("A1"));
        Assert.Equal("third", await HolderAsync("A3"));
    }

    [Fact]
    public async Task A_statement_answers_its_first_value_or_nothing()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1')");
        const string free = "UPDATE seats SET holder = NULL WHERE id = @p0 AND holder = @p1 RETURNING id";
        await _writes.RunAsync("UPDATE seats SET holder = @p1 WHERE id = @p0", ["A1", "someone"], scalar: false);

        var answers = await Task.WhenAll(
            _writes.RunAsync(free, ["A1", "someone"], scalar: true),
            _writes.RunAsync(free, ["A1", "someone"], scalar: true));

        Assert.Single(answers, a => a is "A1");
        Assert.Single(answers, a => a is null);
    }

    [Fact]
    public async Task A_batch_waiting_for_a_row_lock_gives_way_and_the_other_writes_go_on()
    {
        await using var other = await OtherHoldingA1Async();
        var transaction = other.Transaction;

        var blocked = _writes.RunAsync(Take, ["A1", "pipeline"], scalar: false);
        var free = _writes.RunAsync(Take, ["A2", "pipeline"], scalar: false);

        // Not a timing bound: behind the lock, the write would wait for as long as the other transaction lasts.
        Assert.Equal(1, await free.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(blocked.IsCompleted);
        await transaction.CommitAsync();
        Assert.Equal(1, await blocked);
        Assert.Equal("pipeline", await HolderAsync("A1"));
    }

    [Fact]
    public async Task In_a_deadlock_with_another_transaction_the_batch_yields_and_runs_again()
    {
        await using var other = await OtherHoldingA1Async();
        var transaction = other.Transaction;

        // Queued before a fresh pipeline's connection opens, so the three run as one batch: it locks A2, pauses, then
        // waits for A1, which the other transaction holds. The pause is long enough for the other transaction to be
        // waiting for A2 before it ends, however busy the machine.
        await using var writes = new PostgresPipeline(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = _connectionString }));
        var second = writes.RunAsync(Take, ["A2", "pipeline"], scalar: false);
        var pause = writes.RunAsync("SELECT 'paused' FROM pg_sleep(2)", [], scalar: true);
        var first = writes.RunAsync(Take, ["A1", "pipeline"], scalar: false);
        await WaitUntilAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'");

        // The other transaction now waits for A2 first, so a deadlock check would make it the victim; the batch must
        // give way before that (its lock timeout), and this update goes through.
        await ExecuteAsync(other.Connection, "UPDATE seats SET holder = 'other' WHERE id = 'A2'");
        await transaction.CommitAsync();

        Assert.Equal([1, 1], await Task.WhenAll(first, second));
        Assert.Equal("paused", await pause);

        // A1's write ran alone, waiting for the other transaction to end, so it came last. A2's ran again in the rest
        // of the batch, which may take A2's lock back before the other transaction's waiting update wakes (on a busy
        // machine it has): each order is a serial one, and A2 holds the value of whichever committed last.
        Assert.Equal("pipeline", await HolderAsync("A1"));
        Assert.Contains(await HolderAsync("A2"), new[] { "pipeline", "other" });
    }

    private const string Take = "UPDATE seats SET holder = @p1 WHERE id = @p0";

    /// <summary>Seats A1 and A2, and another transaction, still open, that has changed A1 and so holds its row lock.</summary>
    private async Task<OpenTransaction> OtherHoldingA1Async()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1'), ('A2')");
        var connection = await OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, "UPDATE seats SET holder = 'other' WHERE id = 'A1'");
        return new OpenTransaction(connection, transaction);
    }

    private sealed record OpenTransaction(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private async Task WaitUntilAsync(string countSql)
    {
        await using var connection = await OpenAsync();
        await using var count = new NpgsqlCommand(countSql, connection);
        for (var tries = 0; (long)(await count.ExecuteScalarAsync())! == 0; tries++)
        {
            Assert.True(tries < 3000, $"Never true: {countSql}");
            await Task.Delay(10);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> HolderAsync(string seat)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT holder FROM seats WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", seat);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
