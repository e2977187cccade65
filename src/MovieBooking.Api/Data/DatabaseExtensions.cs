using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;
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
            {
                options.ConnectionString = configuration.GetConnectionString("Default") ?? "";
                options.ReplicaConnectionString = configuration.GetConnectionString("Replica") is { } replica && !string.IsNullOrWhiteSpace(replica)
                    ? replica
                    : null;
            })
            .ValidateDataAnnotations()
            .Validate(options => options.ReplicaConnectionString is null || options.Provider == DatabaseProvider.Postgres,
                "ConnectionStrings:Replica is a PostgreSQL streaming replica; it needs Database:Provider=Postgres.")
            .Validate(options => options.ReplicaConnectionString is null || IsConnectionString(options.ReplicaConnectionString),
                "ConnectionStrings:Replica is not a valid PostgreSQL connection string (Host=…;Database=…).")
            .ValidateOnStart();
        services.AddOptions<SeedOptions>()
            .BindConfiguration(SeedOptions.Section)
            .PostConfigure<IHostEnvironment>((options, environment) => options.Demo ??= environment.IsDevelopment());
        if (!builder.ServesApi())
        {
            // A worker brings the schema up to date like any instance, but the demo catalogue is the API's to seed.
            services.PostConfigure<SeedOptions>(options => options.Demo = false);
        }


        // Queries that load two collections (a booking's seats and its food, ten at most of each) stay single queries,
        // chosen here so EF Core does not warn on the first of them in each process.
        // Both provider contexts are registered; the configured one answers for MovieBookingDb. Interceptors registered
        // as services (none by default; fault-injection tests add one) see every command of both.
        services.AddDbContextPool<SqliteMovieBookingDb>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString, sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery))
                .UseSnakeCaseNamingConvention()
                // EF Core rebuilds a SQLite table by switching foreign keys off around the rebuild, which SQLite only
                // allows outside a transaction; EF warns about it on every such migration. It is the provider's
                // standard procedure, not a fault of the deployment, so the first start does not print it.
                .ConfigureWarnings(warnings => ExpectedFailuresQuietly(warnings).Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
                .AddInterceptors([new SqlitePragmas(), .. sp.GetServices<IInterceptor>()]));
        services.AddDbContextPool<PostgresMovieBookingDb>((sp, options) =>
            options.UseNpgsql(PostgresConnectionString(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString), npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery))
                .UseSnakeCaseNamingConvention()
                .ConfigureWarnings(warnings => ExpectedFailuresQuietly(warnings))
                .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddScoped<MovieBookingDb>(sp =>
        {
            MovieBookingDb db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider switch
            {
                DatabaseProvider.Postgres => sp.GetRequiredService<PostgresMovieBookingDb>(),
                _ => sp.GetRequiredService<SqliteMovieBookingDb>(),
            };

            // Every transaction the service opens is all or nothing: a SaveChanges that fails inside one ends it, and
            // the caller rolls it back. The savepoint EF Core would set around each such SaveChanges so the transaction
            // could go on would cost two more round trips for nothing. (A pooled context is reset to the default when
            // returned, so this is set each time one is handed out.)
            db.Database.AutoSavepointsEnabled = false;
            return db;
        });

        AddReadReplica(builder);
        services.AddHostedService<DatabaseInitializer>();
        services.AddHealthChecks().AddDbContextCheck<MovieBookingDb>("database", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// The read replica, when <c>ConnectionStrings:Replica</c> is set (PostgreSQL only): its context, the lag sampler on
    /// instances that serve the API, and the keyed <see cref="MovieBookingDb"/> (<see cref="ReadReplica.Key"/>) that
    /// catalogue reads ask for. Without a replica that key answers the primary's context.
    /// </summary>
    private static void AddReadReplica(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var replica = builder.Configuration.GetConnectionString("Replica");
        services.AddSingleton(sp => new ReadReplica(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedScoped<MovieBookingDb>(ReadReplica.Key, (sp, _) =>
            sp.GetRequiredService<ReadReplica>().For(sp, sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User));
        if (string.IsNullOrWhiteSpace(replica))
        {
            return;
        }

        services.AddDbContextPool<PostgresReplicaDb>((sp, options) =>
            options.UseNpgsql(ReplicaConnectionString(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ReplicaConnectionString!), npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery))
                .UseSnakeCaseNamingConvention()
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .ConfigureWarnings(warnings => ExpectedFailuresQuietly(warnings))
                .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddSingleton<ReplicaLagSampler>();
        if (builder.ServesApi())
        {
            services.AddHostedService(sp => sp.GetRequiredService<ReplicaLagSampler>());
        }
    }

    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The primary's defaults, and every transaction read only, so a write sent there by mistake fails loudly.</summary>
    private static string ReplicaConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString(connectionString));
        builder.Options = $"{builder.Options} -c default_transaction_read_only=on".Trim();
        return builder.ConnectionString;
    }

    /// <summary>
    /// Defaults for the service's PostgreSQL connections, each kept when the connection string sets it:
    /// <list type="bullet">
    /// <item>The statements the service runs over and over (holds, releases, seat maps) are prepared on each connection
    /// and planned once (<c>plan_cache_mode=force_generic_plan</c>): left to choose, PostgreSQL re-plans the hold on
    /// every call, because a plan for the very seats asked always looks a little cheaper than the general one.</item>
    /// <item>A connection going back to the pool is not reset: the service keeps no session state (no <c>SET</c>, no
    /// session advisory locks, no temporary tables), so the five reset statements per request would only cost.</item>
    /// <item>The pool stays near the machine's cores (four connections a core): more connections than PostgreSQL can
    /// run at once only trade queueing in the pool for contention in the server.</item>
    /// </list>
    /// </summary>
    internal static string PostgresConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!(builder.Options ?? "").Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase))
        {
            builder.Options = $"{builder.Options} -c plan_cache_mode=force_generic_plan".Trim();
        }

        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Overlaps(PoolSizeKeys))
        {
            builder.MaxPoolSize = Math.Max(8, Environment.ProcessorCount * 4);
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// A failed command or save is logged by EF Core as an error with its stack trace, even when the service expects
    /// and handles it (a unique key settling a race, an idempotent replay). Those are Debug here; a failure nobody
    /// handles still reaches the exception handler, which logs it as the 500 it is.
    /// </summary>
    private static WarningsConfigurationBuilder ExpectedFailuresQuietly(WarningsConfigurationBuilder warnings) =>
        warnings.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug));

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
