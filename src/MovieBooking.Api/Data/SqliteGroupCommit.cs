using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
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
public sealed class SqliteGroupCommit(WriteGate gate, IOptions<DatabaseOptions> options) : IAsyncDisposable
{
    private const int MaxBatch = 64;

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _writer;

    /// <summary>Runs one statement with named parameters <c>@p0</c>, <c>@p1</c>…; answers its first value or its row count.</summary>
    public Task<object?> RunAsync(string sql, object?[] values, bool scalar)
    {
        var write = new Write(sql, values, scalar, new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);

        lock (_starting)
        {
            _writer ??= Task.Run(WriteBatchesAsync);
        }

        return write.Done.Task;
    }

    private async Task WriteBatchesAsync()
    {
        SqliteConnection? connection = null;
        var commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);
        var batch = new List<Write>(MaxBatch);
        try
        {
            while (await _writes.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                }

                using (await gate.EnterAsync(CancellationToken.None))
                {
                    try
                    {
                        connection ??= Open(options.Value.ConnectionString, commands);
                        if (!Commit(connection, commands, batch))
                        {
                            // The connection may be unusable; the next batch opens a new one.
                            Close(ref connection, commands);
                        }
                    }
                    catch (Exception exception)
                    {
                        // Opening failed: this batch fails, and the next one tries again.
                        batch.ForEach(write => write.Done.TrySetException(exception));
                        Close(ref connection, commands);
                    }
                }

                batch.Clear();
            }
        }
        finally
        {
            Close(ref connection, commands);
        }
    }

    private static SqliteConnection Open(string connectionString, Dictionary<string, SqliteCommand> commands)
    {
        commands.Clear();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var settings = connection.CreateCommand();
        settings.CommandText = SqlitePragmas.Pragmas;
        settings.ExecuteNonQuery();
        return connection;
    }

    private static void Close(ref SqliteConnection? connection, Dictionary<string, SqliteCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
        connection?.Dispose();
        connection = null;
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

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        Task? writer;
        lock (_starting)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            await writer;
        }
    }

    private sealed record Write(string Sql, object?[] Values, bool Scalar, TaskCompletionSource<object?> Done);
}
