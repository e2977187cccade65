using Microsoft.Data.Sqlite;
using MovieBooking.Api.Payments;
using Npgsql;
using StackExchange.Redis;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Which dependency an exception says is down or slow, by the drivers' own transient-error detection.</summary>
public static class TransientFaults
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// Redis Cluster's answers while it forms, fails over or moves slots: no slot owner yet, a master still loading its
    /// data, a replica not yet promoted. They pass once the cluster settles, like a lost connection.
    /// </summary>
    private static readonly string[] RedisClusterInTransition = ["CLUSTERDOWN", "TRYAGAIN", "LOADING", "MASTERDOWN", "READONLY"];

    /// <summary>The dependency's name for an answer, or null when the exception is not a transient fault of one.</summary>
    public static string? Dependency(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return "Redis";
                case RedisServerException { Message: var message } when RedisClusterInTransition.Any(prefix => message.StartsWith(prefix, StringComparison.Ordinal)):
                    return "Redis";
                case PaymentGatewayException:
                    return "The payment gateway";
                case PostgresException { SqlState: var state } when state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal):
                    // Shutting down, restarting, or the connection lost: the server is going away or coming back.
                    return "The database";
                case NpgsqlException { IsTransient: true }:
                    return "The database";
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteIoError or SqliteCantOpen }:
                    return "The database";
            }
        }

        return null;
    }
}
