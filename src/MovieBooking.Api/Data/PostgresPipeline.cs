using Microsoft.Extensions.Options;
using Npgsql;

namespace MovieBooking.Api.Data;

/// <summary>
/// Pipelining for PostgreSQL's most frequent writes (holds and releases). Most of a small statement's cost is the
/// round trip around it (waking the server process and the service, one network write each way), so the writes
/// waiting while a batch runs go out together as the next batch, in one round trip. Each write is still its own
/// transaction: an error barrier follows every statement, so each commits or fails by itself, exactly as it would
/// alone. A few connections each run one batch at a time, so a write that waits for a row lock delays only the
/// writes of its own batch.
/// </summary>
public sealed class PostgresPipeline(IOptions<DatabaseOptions> options) : BatchedWrites(lanes: 2)
{
    protected override Lane NewLane() => new PostgresLane(DatabaseExtensions.PostgresConnectionString(options.Value.ConnectionString));

    private sealed class PostgresLane(string connectionString) : Lane
    {
        private NpgsqlConnection? _connection;

        public override async Task WriteAsync(List<Write> batch)
        {
            if (_connection is null)
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                _connection = connection;
            }

            await RunBatchAsync(_connection, batch);
        }

        public override async ValueTask ResetAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }
    }

    /// <summary>
    /// Runs the batch and answers every write. When a statement fails, the others of the batch have still run in their
    /// own transactions: one that changed rows keeps its outcome, and one that changed nothing (the failed one among
    /// them) had no effect, so it runs again alone and answers for itself. A value returned by a statement after the
    /// failure is lost with it (the reader skips the rest), so such a write fails unless it changed nothing.
    /// </summary>
    private static async Task RunBatchAsync(NpgsqlConnection connection, List<Write> batch)
    {
        if (batch.Count == 1)
        {
            await RunAloneAsync(connection, batch[0]);
            return;
        }

        await using var commands = new NpgsqlBatch(connection) { EnableErrorBarriers = true };
        foreach (var write in batch)
        {
            var command = new NpgsqlBatchCommand(write.Sql);
            AddParameters(command.Parameters, write);
            commands.BatchCommands.Add(command);
        }

        var values = new object?[batch.Count];
        var read = new bool[batch.Count];
        var failed = false;
        try
        {
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
                read[i] = true;
            }
        }
        catch (NpgsqlException exception) when (exception is PostgresException || exception.InnerException is AggregateException)
        {
            // Statements failed on the server; the connection stays usable.
            failed = true;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            var affected = commands.BatchCommands[i].RecordsAffected;
            if (read[i] || (!failed && write.Scalar))
            {
                write.Done.TrySetResult(values[i]);
            }
            else if (!failed || (affected > 0 && !write.Scalar))
            {
                write.Done.TrySetResult(affected);
            }
            else if (affected <= 0)
            {
                // Nothing changed (-1: the statement failed or never completed).
                await RunAloneAsync(connection, write);
            }
            else
            {
                write.Done.TrySetException(new InvalidOperationException(
                    "The statement ran, but its answer was lost with the failure of another statement of its batch."));
            }
        }
    }

    private static async Task RunAloneAsync(NpgsqlConnection connection, Write write)
    {
        await using var command = new NpgsqlCommand(write.Sql, connection);
        AddParameters(command.Parameters, write);
        try
        {
            write.Done.TrySetResult(write.Scalar ? await command.ExecuteScalarAsync() : await command.ExecuteNonQueryAsync());
        }
        catch (PostgresException exception)
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
