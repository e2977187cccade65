using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data.Seed;
using MovieBooking.Api.Identity;

namespace MovieBooking.Api.Data;

/// <summary>Brings the schema up to date and seeds the demo catalogue before the server takes requests.</summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IOptions<DatabaseOptions> database,
    IOptions<SeedOptions> seed,
    IPasswordHasher<User> hasher,
    TimeProvider time,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MovieBookingDb>();

        if (database.Value.Provider == DatabaseProvider.Sqlite)
        {
            PrepareSqliteFile(database.Value.ConnectionString);
            // WAL lets readers run beside the writer; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);

        if (seed.Value.Demo == true && await DemoSeeder.SeedAsync(db, hasher, time.GetUtcNow(), cancellationToken))
        {
            LogSeeded(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrepareSqliteFile(string connectionString)
    {
        var file = DatabaseExtensions.SqliteFile(connectionString);
        if (file is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        LogSqliteFile(logger, file);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalogue seeded")]
    private static partial void LogSeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite database {File}")]
    private static partial void LogSqliteFile(ILogger logger, string file);
}
