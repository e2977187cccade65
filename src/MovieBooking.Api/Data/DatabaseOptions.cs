using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>Database</c>; the connection string itself is <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [EnumDataType(typeof(DatabaseProvider), ErrorMessage = "Database:Provider must be Sqlite or Postgres.")]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required(ErrorMessage = "ConnectionStrings:Default is required.")]
    public string ConnectionString { get; set; } = "";
}

/// <summary>Bound from <c>Seed</c>.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Seeds the demo catalogue into an empty database. Defaults to true in Development only.</summary>
    public bool? Demo { get; set; }
}
