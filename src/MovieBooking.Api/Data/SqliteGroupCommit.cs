using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;
using SQLitePCL;

namespace MovieBooking.Api.Data;

/// <summary>
/// Group commit for SQLite's most frequent writes (holds and releases). SQLite has one writer, and committing costs
/// more than a small update itself, so the writes queued while a commit runs are run together in the next
/// transaction: one writer connection, statements compiled once, one commit per batch. Each write is a single
/// statement that is all or nothing by itself; one that fails is rolled back alone and answered with its error, and
/// a batch whose commit fails answers every write in it with that failure. A write is answered only once its batch
/// has committed. Batches take the <see cref="WriteGate"/> like every other SQLite writer.
/// </summary>
public sealed class SqliteGroupCommit(WriteGate gate, IOptions<DatabaseOptions> options, ServiceMetrics? metrics = null) : BatchedWrites("sqlite", metrics)
{
    protected override Lane NewLane() => new SqliteLane(gate, options.Value.ConnectionString);

    private sealed class SqliteLane(WriteGate gate, string connectionString) : Lane
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
        private SqliteConnection? _connection;

        public override async Task WriteAsync(List<Write> batch)
        {
            using (await gate.EnterAsync(CancellationToken.None))
            {
                _connection ??= Open(connectionString);
                if (!Commit(_connection, _commands, batch))
                {
                    // The connection may be unusable; the next batch opens a new one.
                    await ResetAsync();
                }
            }
        }

        public override ValueTask ResetAsync()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            _connection?.Dispose();
            _connection = null;
            return ValueTask.CompletedTask;
        }

        private static SqliteConnection Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var settings = connection.CreateCommand();
            settings.CommandText = SqlitePragmas.Pragmas;
            settings.ExecuteNonQuery();
            return connection;
        }
    }

    /// <summary>Runs the batch in one transaction and answers every write; false when the batch failed as a whole.</summary>
    private static bool Commit(SqliteConnection connection, Dictionary<string, SqliteCommand> commands, List<Write> batch)
    {
        var results = new object?[batch.Count];
        var errors = new Exception?[batch.Count];
        var committed = true;
        try
        {
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    results[i] = Execute(connection, transaction, commands, batch[i]);
                }
                catch (SqliteException exception)
                {
                    errors[i] = exception;
                    if (raw.sqlite3_get_autocommit(connection.Handle) != 0)
                    {
                        // SQLite rolled the whole transaction back (an I/O error, a full disk): nothing of the batch
                        // stands, and what is left must not run outside a transaction.
                        throw;
                    }
                }
            }

            transaction.Commit();
        }
        catch (Exception exception)
        {
            committed = false;
            for (var i = 0; i < batch.Count; i++)
            {
                errors[i] = exception;
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is { } error)
            {
                batch[i].Done.TrySetException(error);
            }
            else
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }

        return committed;
    }

    private static object? Execute(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, SqliteCommand> commands, Write write)
    {
        if (!commands.TryGetValue(write.Sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = write.Sql;
            commands[write.Sql] = command;
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        for (var i = 0; i < write.Values.Length; i++)
        {
            command.Parameters.AddWithValue($"@p{i}", write.Values[i] ?? DBNull.Value);
        }

        return write.Scalar ? command.ExecuteScalar() : command.ExecuteNonQuery();
    }
}
