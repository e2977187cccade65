using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Tests.Data;

public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-group-{Guid.NewGuid():N}");
    private string _connectionString = "";
    private WriteGate _gate = null!;
    private SqliteGroupCommit _writes = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _connectionString = $"Data Source={Path.Combine(_directory, "group.db")}";
        await ExecuteAsync("PRAGMA journal_mode=WAL; CREATE TABLE seats (id TEXT PRIMARY KEY, holder TEXT);");
        var options = Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = _connectionString });
        _gate = new WriteGate(options);
        _writes = new SqliteGroupCommit(_gate, options);
    }

    public async Task DisposeAsync()
    {
        await _writes.DisposeAsync();
        _gate.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Racing_writes_each_see_the_ones_before_them_and_are_answered_once_committed()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1');");
        await WriteRace.AssertOneWinnerSeenByAllAsync(
            (sql, values) => _writes.RunAsync(sql, values, scalar: false),
            async () => (string?)await ScalarAsync("SELECT holder FROM seats WHERE id = 'A1'"));
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_the_rest_of_its_batch_commits()
    {
        await ExecuteAsync("INSERT INTO seats (id) VALUES ('A1');");
        const string add = "INSERT INTO seats (id) VALUES (@p0)";
        var writes = new[] { "B1", "A1", "B2", "B1", "B3" }.Select(id => _writes.RunAsync(add, [id], scalar: false)).ToList();

        var outcomes = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                return await write;
            }
            catch (SqliteException exception)
            {
                return exception.SqliteErrorCode;
            }
        }));

        Assert.Equal(new object?[] { 1, 19, 1, 19, 1 }, outcomes); // 19: SQLITE_CONSTRAINT
        Assert.Equal("A1,B1,B2,B3", await ScalarAsync("SELECT group_concat(id, ',') FROM (SELECT id FROM seats ORDER BY id)"));
    }

    [Fact]
    public async Task A_scalar_write_answers_its_first_value()
    {
        await ExecuteAsync("INSERT INTO seats (id, holder) VALUES ('A1', 'x'), ('A2', 'x');");
        var freed = await _writes.RunAsync("UPDATE seats SET holder = NULL WHERE holder = @p0 RETURNING 'freed'", ["x"], scalar: true);
        Assert.Equal("freed", freed);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM seats WHERE holder IS NOT NULL"));
        Assert.Null(await _writes.RunAsync("UPDATE seats SET holder = NULL WHERE holder = @p0 RETURNING 'freed'", ["x"], scalar: true));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
