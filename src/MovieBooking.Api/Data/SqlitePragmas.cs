using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MovieBooking.Api.Data;

/// <summary>
/// Per-connection SQLite settings: in WAL mode <c>synchronous=NORMAL</c> keeps every commit atomic and consistent
/// (a crash can only lose the last commits, never half of one), and the busy timeout makes a writer wait for the
/// write lock instead of failing with "database is locked".
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
