using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MovieBooking.Api.Data;

public static class DatabaseExtensions
{
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString("Default") ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SeedOptions>()
            .BindConfiguration(SeedOptions.Section)
            .PostConfigure<IHostEnvironment>((options, environment) => options.Demo ??= environment.IsDevelopment());

        // Both provider contexts are registered; the configured one answers for MovieBookingDb.
        services.AddDbContextPool<SqliteMovieBookingDb>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(new SqlitePragmas()));
        services.AddDbContextPool<PostgresMovieBookingDb>((sp, options) =>
            options.UseNpgsql(PostgresConnectionString(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString))
                .UseSnakeCaseNamingConvention());
        services.AddScoped<MovieBookingDb>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider switch
            {
                DatabaseProvider.Postgres => sp.GetRequiredService<PostgresMovieBookingDb>(),
                _ => sp.GetRequiredService<SqliteMovieBookingDb>(),
            });

        services.AddHostedService<DatabaseInitializer>();
        services.AddHealthChecks().AddDbContextCheck<MovieBookingDb>("database", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// Prepares the statements the service runs over and over (holds, seat maps) on each connection, so PostgreSQL
    /// plans them once instead of on every request, and keeps the pool near the machine's cores (four connections a
    /// core): more connections than PostgreSQL can run at once only trade queueing in the pool for contention in the
    /// server. Either is kept when the connection string sets it.
    /// </summary>
    internal static string PostgresConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(key => PoolSizeKeys.Contains(key.Replace(" ", "", StringComparison.Ordinal))))
        {
            builder.MaxPoolSize = Math.Max(8, Environment.ProcessorCount * 4);
        }

        return builder.ConnectionString;
    }

    private static readonly HashSet<string> PoolSizeKeys = new(["MaxPoolSize", "MaximumPoolSize"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The SQLite file of a connection string, made absolute against the working directory.</summary>
    internal static string? SqliteFile(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" ? null : Path.GetFullPath(dataSource);
    }
}

public static class HealthTags
{
    public const string Ready = "ready";
}
