using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>
/// Makes the real database fail at one chosen step: the next command whose SQL matches (or the next commit) throws
/// the error the provider's driver throws when the server goes away, or waits until the test lets it go on. The
/// database itself is real; only the moment of the failure is chosen.
/// </summary>
public sealed class DatabaseFaults(bool postgres) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly Lock _lock = new();
    private Func<DbCommand, bool>? _failCommand;
    private int _failures;
    private bool _failCommit;

    /// <summary>The next <paramref name="times"/> commands whose SQL satisfies <paramref name="matches"/> fail.</summary>
    public void FailCommands(Func<string, bool> matches, int times = 1) => FailCommandsWhere(command => matches(command.CommandText), times);

    /// <summary>The next <paramref name="times"/> commands satisfying <paramref name="matches"/> (SQL and parameters) fail.</summary>
    public void FailCommandsWhere(Func<DbCommand, bool> matches, int times = 1)
    {
        lock (_lock)
        {
            _failCommand = matches;
            _failures = times;
        }
    }

    /// <summary>The next transaction commit fails: the transaction is rolled back, as when the server dies at commit.</summary>
    public void FailNextCommit()
    {
        lock (_lock)
        {
            _failCommit = true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _failCommand = null;
            _failures = 0;
            _failCommit = false;
        }
    }

    /// <summary>How many injected failures are still to come.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _failures + (_failCommit ? 1 : 0);
            }
        }
    }

    private void ThrowIfChosen(DbCommand command)
    {
        lock (_lock)
        {
            if (_failures == 0 || _failCommand is null || !_failCommand(command))
            {
                return;
            }

            _failures--;
        }

        throw Unavailable();
    }

    private Exception Unavailable() => postgres
        ? new NpgsqlException("Exception while reading from stream", new EndOfStreamException("The server closed the connection."))
        : new SqliteException("SQLite Error 5: 'database is locked'.", 5);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        ThrowIfChosen(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        ThrowIfChosen(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ThrowIfChosen(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        ThrowIfChosen(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        ThrowIfChosen(command);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_failCommit)
            {
                return ValueTask.FromResult(result);
            }

            _failCommit = false;
        }

        transaction.Rollback();
        throw Unavailable();
    }
}
