using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Bound from <c>Database</c>; the connection strings themselves are <c>ConnectionStrings:Default</c> (the primary) and
/// <c>ConnectionStrings:Replica</c> (an optional PostgreSQL streaming replica for reads that may lag).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [EnumDataType(typeof(DatabaseProvider), ErrorMessage = "Database:Provider must be Sqlite or Postgres.")]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required(ErrorMessage = "ConnectionStrings:Default is required.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>A read-only connection to a streaming replica of the primary; empty = every read on the primary.</summary>
    public string? ReplicaConnectionString { get; set; }

    /// <summary>How far the replica may lag before the reads it serves go back to the primary.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Database:ReplicaMaxLag must be between 00:00:00 and 00:10:00.")]
    public TimeSpan ReplicaMaxLag { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Bound from <c>Seed</c>.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Seeds the demo catalogue into an empty database. Defaults to true in Development only.</summary>
    public bool? Demo { get; set; }
}
