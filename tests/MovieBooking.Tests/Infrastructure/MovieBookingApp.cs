using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MovieBooking.Api.Data;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>
/// The real service in a test host: real database, real pipeline, settings given per instance and a
/// fake clock that starts at <see cref="TestClock.Start"/>.
/// </summary>
public sealed class MovieBookingApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public FakeTimeProvider Time { get; } = new(TestClock.Start);

    public IReadOnlyDictionary<string, string?> Settings => settings;

    /// <summary>The tests' Ed25519 ticket key: a fixed 32-byte seed.</summary>
    public const string TestTicketKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    /// <summary>Settings every test app gets unless it says otherwise.</summary>
    private static readonly Dictionary<string, string?> TestDefaults = new()
    {
        ["Jwt:SigningKey"] = "test-signing-key-of-at-least-thirty-two-bytes",
        ["Tickets:SigningKey"] = TestTicketKey,
        ["Payments:Sandbox:Enabled"] = "true",
        ["Payments:Sandbox:KeySecret"] = "test-sandbox-key-secret",
        ["Payments:Sandbox:WebhookSecret"] = "test-sandbox-webhook-secret",
        // Tests sign in far more often than people do; the per-IP limit has its own test.
        ["RateLimiting:Auth:PermitLimit"] = "100000",
        ["RateLimiting:Holds:PermitLimit"] = "100000",
        // Test shows start days ahead; doors open for them at once. The window has its own tests.
        ["Tickets:CheckInOpensBefore"] = "7.00:00:00",
        // Messages wait in the outbox; the notification tests send them, to an SMTP server of their own.
        ["Notifications:Dispatch"] = "false",
        ["Notifications:Email:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "moviebooking-tests-mail"),
    };

    /// <summary>Runs code against the app's own database context.</summary>
    public async Task<T> WithDbAsync<T>(Func<MovieBookingDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MovieBookingDb>());
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Host configuration is in place before Program reads any setting.
        builder.ConfigureHostConfiguration(configuration => configuration
            .AddInMemoryCollection(TestDefaults)
            .AddInMemoryCollection(settings));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureServices(defaults =>
        {
            defaults.AddSingleton<TimeProvider>(Time);
            // Tests create many accounts; a cheaper hash keeps them quick (the count is stored in each hash).
            defaults.Configure<PasswordHasherOptions>(options => options.IterationCount = 1_000);
            // The in-process host has no socket; requests arrive as if through a proxy on this machine, so a test
            // can give a client its own address with X-Forwarded-For.
            defaults.AddTransient<IStartupFilter, LoopbackConnection>();
        });
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}

internal sealed class LoopbackConnection : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, then) =>
        {
            context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
            return then(context);
        });
        next(app);
    };
}

public static class TestClock
{
    /// <summary>08:30 in India on a Wednesday: every demo show of the first day is still ahead.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);
}
