using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using MovieBooking.Api.Data;
using MovieBooking.Api.Invoices;
using MovieBooking.Servers;

namespace MovieBooking.Tests.Invoices;

/// <summary>A database that issued invoices before series were counted carries each theatre's series on from its highest number.</summary>
public abstract class InvoiceSeriesMigrationTests : IAsyncLifetime
{
    private static readonly Guid Theatre = Guid.CreateVersion7();
    private static readonly Guid OtherTheatre = Guid.CreateVersion7();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    protected abstract MovieBookingDb Open();

    /// <summary>An instant as the store writes it in SQL.</summary>
    protected abstract string Now { get; }

    /// <summary>Runs SQL with foreign keys unchecked: the theatres and invoices below stand for ones whose cities, owners and bookings are not part of the test.</summary>
    protected abstract Task InsertUncheckedAsync(MovieBookingDb db, string sql);

    protected static async Task RunAsync(MovieBookingDb db, string sql)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task Each_theatre_and_kind_carries_on_from_its_highest_issued_number()
    {
        await using (var db = Open())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_InvoiceSeries", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
            var rows = new List<string>();
            foreach (var (theatre, kind, number) in new[] { (Theatre, "INVOICE", 1), (Theatre, "INVOICE", 7), (Theatre, "CREDIT_NOTE", 2), (OtherTheatre, "INVOICE", 3) })
            {
                rows.Add($"('{theatre}', '{kind}', {number}, '{Guid.CreateVersion7()}', {Now})");
            }

            var theatres = string.Join(", ", new[] { Theatre, OtherTheatre }.Select(t => $"('{t}', '{Guid.CreateVersion7()}', '{Guid.CreateVersion7()}', 'Screen One', 'Main Road', 'STRICT')"));
            await InsertUncheckedAsync(db, $"""
                INSERT INTO theatres (id, city_id, owner_id, name, address, gap_rule) VALUES {theatres};
                INSERT INTO invoices (theatre_id, kind, number, booking_id, issued_at) VALUES {string.Join(", ", rows)};
                """);
            await db.Database.MigrateAsync();
        }

        await using (var db = Open())
        {
            var series = await db.InvoiceSeries.AsNoTracking().ToListAsync();
            Assert.Equal(
                [(OtherTheatre, InvoiceKind.Invoice, 3L), (Theatre, InvoiceKind.CreditNote, 2L), (Theatre, InvoiceKind.Invoice, 7L)],
                series.Select(s => (s.TheatreId, s.Kind, s.LastNumber)).OrderBy(s => s.TheatreId == Theatre).ThenBy(s => s.Kind == InvoiceKind.Invoice));
        }
    }
}

public sealed class SqliteInvoiceSeriesMigrationTests : InvoiceSeriesMigrationTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-series-{Guid.NewGuid():N}");

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override string Now => "0";

    protected override MovieBookingDb Open() =>
        new SqliteMovieBookingDb(new DbContextOptionsBuilder<SqliteMovieBookingDb>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "series.db")}").UseSnakeCaseNamingConvention().Options);

    protected override Task InsertUncheckedAsync(MovieBookingDb db, string sql) =>
        RunAsync(db, "PRAGMA foreign_keys = OFF; " + sql + " PRAGMA foreign_keys = ON;");
}

public sealed class PostgresInvoiceSeriesMigrationTests : InvoiceSeriesMigrationTests
{
    private string _connectionString = "";

    public override async Task InitializeAsync() => _connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    public override async Task DisposeAsync() => await (await PostgresServer.SharedAsync()).DropDatabaseAsync(_connectionString);

    protected override string Now => "now()";

    protected override MovieBookingDb Open() =>
        new PostgresMovieBookingDb(new DbContextOptionsBuilder<PostgresMovieBookingDb>()
            .UseNpgsql(_connectionString).UseSnakeCaseNamingConvention().Options);

    protected override Task InsertUncheckedAsync(MovieBookingDb db, string sql) =>
        RunAsync(db, "SET session_replication_role = replica; " + sql + " RESET session_replication_role;");
}
