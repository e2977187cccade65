using Microsoft.Extensions.Diagnostics.HealthChecks;
using MovieBooking.Api.Data;
using StackExchange.Redis;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Bound from <c>Redis</c>. An empty configuration means the service runs without Redis.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</summary>
    public string? Configuration { get; set; }
}

public static class RedisExtensions
{
    /// <summary>Whether the service runs with Redis (and registers <see cref="IConnectionMultiplexer"/>).</summary>
    public static bool IsRedisConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.Configuration)}"]);

    public static WebApplicationBuilder AddRedis(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        if (!builder.Configuration.IsRedisConfigured())
        {
            return builder;
        }

        var options = ParseOptions(builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.Configuration)}"]!);
        // Connected before the service takes requests, without blocking a thread on it.
        builder.Services.AddSingleton(new RedisConnector(options));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisConnector>());
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<RedisConnector>().Multiplexer);
        builder.Services.AddSingleton<RedisBatcher>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Ready]);
        return builder;
    }

    private static ConfigurationOptions ParseOptions(string configuration)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Start even while Redis is down; readiness reports it and commands fail until it is back.
            options.AbortOnConnectFail = false;
            return options;
        }
        catch (ArgumentException exception)
        {
            throw new SettingException($"Redis:Configuration is not a valid Redis configuration (host:port[,option=value…]): {exception.Message}", exception);
        }
    }
}

/// <summary>Opens the Redis connection at start-up (asynchronously) and closes it at shutdown.</summary>
internal sealed class RedisConnector(ConfigurationOptions options) : IHostedService, IAsyncDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    public IConnectionMultiplexer Multiplexer =>
        _multiplexer ?? throw new InvalidOperationException("Redis is used before the service started.");

    private readonly List<Action<IConnectionMultiplexer>> _whenConnected = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_multiplexer is not null)
        {
            return;
        }

        _multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
        lock (_whenConnected)
        {
            _whenConnected.ForEach(action => action(_multiplexer));
        }
    }

    /// <summary>Runs <paramref name="action"/> with the connection once it is made (at once, if it is).</summary>
    public void WhenConnected(Action<IConnectionMultiplexer> action)
    {
        lock (_whenConnected)
        {
            if (_multiplexer is null)
            {
                _whenConnected.Add(action);
                return;
            }
        }

        action(_multiplexer);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null)
        {
            await _multiplexer.DisposeAsync();
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (RedisException exception)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
    }
}
