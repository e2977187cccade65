using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;
using Npgsql;

namespace MovieBooking.Api.Data;

/// <summary>
/// Pipelining for PostgreSQL's most frequent writes (holds and releases). Most of a small statement's cost is not the
/// statement: it is the round trip, the transaction around it, and waking the server process and the service. So, as
/// SQLite's group commit does, one connection sends the writes queued while its last batch ran as the next batch, in
/// one round trip and one transaction, and answers them once that transaction committed.
/// <list type="bullet">
/// <item>A batch must not hold other writers up. It gives up waiting for a row lock after <see cref="LockTimeout"/>, far
/// under PostgreSQL's deadlock timeout (a second unless configured otherwise), so when a batch and another transaction
/// deadlock, the batch is the one that yields.</item>
/// <item>A batch that fails has changed nothing. The write whose statement failed runs again alone, on a connection of
/// its own and without the lock timeout, and answers for itself; the rest of the batch runs again without it.</item>
/// </list>
/// </summary>
public sealed class PostgresPipeline(IOptions<DatabaseOptions> options, ServiceMetrics? metrics = null) : BatchedWrites("postgres", metrics)
{
    /// <summary>How long a batch waits for a row lock before it gives up and runs again without the waiting write.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(50);

    // Built when the first write comes: the service makes a pipeline whichever database it runs on.
    protected override Lane NewLane()
    {
        var alone = DatabaseExtensions.PostgresConnectionString(options.Value.ConnectionString);
        var batches = new NpgsqlConnectionStringBuilder(alone) { IncludeFailedBatchedCommand = true };
        batches.Options = $"{batches.Options} -c lock_timeout={(int)LockTimeout.TotalMilliseconds}".Trim();
        return new PostgresLane(batches.ConnectionString, alone);
    }

    private sealed class PostgresLane(string batches, string alone) : Lane
    {
        private readonly List<Task> _runningAlone = [];
        private NpgsqlConnection? _connection;

        public override async Task WriteAsync(List<Write> batch)
        {
            if (_connection is null)
            {
                var connection = new NpgsqlConnection(batches);
                await connection.OpenAsync();
                _connection = connection;
            }

            _runningAlone.RemoveAll(task => task.IsCompleted);
            var pending = batch;
            while (pending.Count > 0 && await RunBatchAsync(_connection, pending) is var failed and >= 0)
            {
                _runningAlone.Add(RunAloneAsync(alone, pending[failed]));
                pending = [.. pending.Where((_, i) => i != failed)];
            }
        }

        public override async ValueTask ResetAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_runningAlone);
            await base.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs the writes as one transaction and answers each once it committed (its first value, or its row count), then
    /// returns -1. When a statement fails, nothing of the batch stands and nothing is answered; it returns the failed
    /// write's index (the first write's when the server does not name the statement). An error that ends the
    /// connection is thrown.
    /// </summary>
    private static async Task<int> RunBatchAsync(NpgsqlConnection connection, List<Write> batch)
    {
        await using var commands = new NpgsqlBatch(connection);
        foreach (var write in batch)
        {
            var command = new NpgsqlBatchCommand(write.Sql);
            AddParameters(command.Parameters, write);
            commands.BatchCommands.Add(command);
        }

        var values = new object?[batch.Count];
        try
        {
            // The reader is done, and the transaction committed, once every result up to the server's ready message is read.
            await using var reader = await commands.ExecuteReaderAsync();
            // Each scalar statement (RETURNING) has a result set, in order; the others have none.
            var first = true;
            for (var i = 0; i < batch.Count; i++)
            {
                if (!batch[i].Scalar)
                {
                    continue;
                }

                if (!first && !await reader.NextResultAsync())
                {
                    break;
                }

                first = false;
                values[i] = await reader.ReadAsync() ? reader.GetValue(0) : null;
            }
        }
        catch (PostgresException exception) when (connection.State == System.Data.ConnectionState.Open)
        {
            // The server rolled the batch back. (One that also ended the connection, such as a shutdown, fails the
            // whole batch instead: the lane starts afresh, and nothing runs again on the broken connection.)
            return exception.BatchCommand is { } failed ? Math.Max(commands.BatchCommands.IndexOf(failed), 0) : 0;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(batch[i].Scalar ? values[i] : commands.BatchCommands[i].RecordsAffected);
        }

        return -1;
    }

    private static async Task RunAloneAsync(string connectionString, Write write)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(write.Sql, connection);
            AddParameters(command.Parameters, write);
            write.Done.TrySetResult(write.Scalar ? await command.ExecuteScalarAsync() : await command.ExecuteNonQueryAsync());
        }
        catch (Exception exception)
        {
            write.Done.TrySetException(exception);
        }
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, Write write)
    {
        for (var i = 0; i < write.Values.Length; i++)
        {
            parameters.AddWithValue($"p{i}", write.Values[i] ?? DBNull.Value);
        }
    }
}
