using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

/// <summary>Start-up behaviour on the embedded SQLite store: files, configuration, seeding, readiness, docs.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-startup-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_connection_string_names_the_exact_sqlite_file_and_its_folder_is_created()
    {
        var file = Path.Combine(_directory, "nested", "folder", "x.db");
        await using var app = new MovieBookingApp(Sqlite(file));
        using var client = app.CreateClient();

        await client.GetJsonAsync("/api/health/ready");
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task A_restart_on_the_same_database_adds_nothing()
    {
        var settings = Sqlite(Path.Combine(_directory, "restart.db"));
        var first = await CountRowsAsync(settings);
        var second = await CountRowsAsync(settings);

        Assert.True(first.Shows > 0);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Without_demo_seeding_the_catalogue_is_empty()
    {
        var settings = Sqlite(Path.Combine(_directory, "empty.db"));
        settings["Seed:Demo"] = "false";
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        var cities = await client.GetJsonAsync("/api/cities");
        Assert.Equal(0, cities.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("Booking:HoldTtl", "soon", "Booking:HoldTtl")]
    [InlineData("Booking:HoldTtl", "00:00:00", "Booking:HoldTtl")]
    [InlineData("Database:Provider", "Mongo", "Database:Provider")]
    [InlineData("ConnectionStrings:Default", "", "ConnectionStrings:Default")]
    [InlineData("Catalog:TimeZone", "Mars/Olympus_Mons", "Catalog:TimeZone")]
    [InlineData("Jwt:SigningKey", "", "Jwt:SigningKey")]
    [InlineData("Jwt:SigningKey", "too-short", "Jwt:SigningKey")]
    [InlineData("RateLimiting:Auth:PermitLimit", "0", "RateLimiting:Auth")]
    [InlineData("Booking:ConvenienceFeePercent", "-1", "Booking:ConvenienceFeePercent")]
    [InlineData("Booking:MaxSeatsPerUser", "11", "Booking:MaxSeatsPerUser")]
    [InlineData("Cancellation:Tiers:0:FeePercent", "120", "Cancellation:Tiers")]
    [InlineData("Payments:Gateway", "paypal", "Payments:Gateway")]
    [InlineData("Payments:Gateway", "razorpay", "Payments:Razorpay:KeyId")]
    [InlineData("Payments:Gateway", "stripe", "Payments:Stripe:SecretKey")]
    [InlineData("Payments:Sandbox:WebhookSecret", "", "Payments:Sandbox:WebhookSecret")]
    [InlineData("Payments:Sandbox:Enabled", "false", "Payments__Sandbox__Enabled")]
    [InlineData("Payments:Sandbox:KeySecret", "sandbox-development-key-secret", "Payments:Sandbox:KeySecret is the published development secret")]
    [InlineData("Payments:Sandbox:WebhookSecret", "sandbox-development-webhook-secret", "Payments:Sandbox:WebhookSecret is the published development secret")]
    [InlineData("Jwt:SigningKey", "DEVELOPMENT-ONLY-signing-key--not-a-secret--set-Jwt__SigningKey-in-production", "Jwt:SigningKey is the published development secret")]
    [InlineData("Payments:Reconciler:Within", "00:00:01", "Payments:Reconciler:Within")]
    [InlineData("Cors:AllowedOrigins:0", "https://tickets.example.com/buy", "Cors:AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "tickets.example.com", "Cors:AllowedOrigins")]
    [InlineData("Tickets:SigningKey", "", "Tickets:SigningKey")]
    [InlineData("Tickets:SigningKey", "c2hvcnQ=", "Tickets:SigningKey")]
    [InlineData("ConnectionStrings:Replica", "Host=127.0.0.1;Database=moviebooking", "ConnectionStrings:Replica is a PostgreSQL streaming replica")]
    [InlineData("ConnectionStrings:Replica", "Host=127.0.0.1;Frobnicate=yes", "ConnectionStrings:Replica is not a valid PostgreSQL connection string")]
    [InlineData("Database:ReplicaMaxLag", "a while", "Database:ReplicaMaxLag")]
    [InlineData("Database:ReplicaMaxLag", "01:00:00", "Database:ReplicaMaxLag")]
    public async Task A_bad_setting_stops_the_app_with_a_message_naming_the_key(string key, string value, string named)
    {
        var settings = Sqlite(Path.Combine(_directory, "bad.db"));
        settings[key] = value;
        var failure = await StartupFailureAsync(settings);
        Assert.True(failure.ToString().Contains(named, StringComparison.Ordinal), $"The failure does not name {named}: {failure}");
    }

    [Fact]
    public async Task Stripe_without_the_publishable_key_its_card_form_needs_does_not_start()
    {
        var settings = Sqlite(Path.Combine(_directory, "stripe.db"));
        settings["Payments:Gateway"] = "stripe";
        settings["Payments:Stripe:SecretKey"] = "sk_test_configured";
        settings["Payments:Stripe:WebhookSecret"] = "whsec_configured";
        var failure = await StartupFailureAsync(settings);
        Assert.Contains("Payments:Stripe:PublishableKey is required for the stripe gateway", failure.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Why the app would not start. When the host fails at once, WebApplicationFactory can report a disposed
    /// object instead, such as its service provider (a race in its failure path, dotnet/aspnetcore#33494); the start is
    /// then tried again.
    /// </summary>
    private static async Task<Exception> StartupFailureAsync(Dictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var app = new MovieBookingApp(settings);
            var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
            if (failure is not ObjectDisposedException || attempt == 3)
            {
                return failure;
            }
        }
    }

    [Fact]
    public async Task Readiness_includes_redis_when_it_is_configured()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var settings = Sqlite(Path.Combine(_directory, "redis.db"));
        settings["Redis:Configuration"] = redis.Configuration;
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        var ready = await client.GetJsonAsync("/api/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("redis").GetString());

        await redis.DisposeAsync();
        var problem = await client.GetProblemAsync("/api/health/ready", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", problem.GetProperty("checks").GetProperty("redis").GetString());
        Assert.Equal("Healthy", problem.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Browsers_on_a_configured_origin_may_call_the_api_and_no_other_origin_may()
    {
        var settings = Sqlite(Path.Combine(_directory, "cors.db"));
        settings["Cors:AllowedOrigins:0"] = "https://tickets.example.com";
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        using (var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/bookings", UriKind.Relative)))
        {
            preflight.Headers.Add("Origin", "https://tickets.example.com");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
            using var allowed = await client.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
            Assert.Equal("https://tickets.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("idempotency-key", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
            Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        }

        using (var read = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/cities", UriKind.Relative)))
        {
            read.Headers.Add("Origin", "https://tickets.example.com");
            using var answer = await client.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("https://tickets.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("Location", answer.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        }

        // Another origin, and any origin of a service with none configured (the default), get no CORS answer.
        await using var unconfigured = new MovieBookingApp(Sqlite(Path.Combine(_directory, "no-cors.db")));
        using var defaultClient = unconfigured.CreateClient();
        foreach (var (target, origin) in new[] { (client, "https://evil.example.net"), (defaultClient, "https://tickets.example.com") })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/bookings", UriKind.Relative));
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var refused = await target.SendAsync(preflight);
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"), $"{origin} was allowed.");
        }
    }

    [Fact]
    public async Task The_sandbox_checkout_exists_only_while_the_sandbox_is_the_gateway()
    {
        var settings = Sqlite(Path.Combine(_directory, "razorpay.db"));
        settings["Payments:Gateway"] = "razorpay";
        settings["Payments:Razorpay:KeyId"] = "rzp_test_key";
        settings["Payments:Razorpay:KeySecret"] = "rzp_test_secret";
        settings["Payments:Razorpay:WebhookSecret"] = "rzp_webhook_secret";
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        using var pay = await client.PostJsonAsync("/api/sandbox/orders/order_1/pay", new { outcome = "success" });
        await pay.ReadProblemAsync(HttpStatusCode.NotFound);
        using var sandboxWebhook = await client.PostJsonAsync("/api/payments/webhooks/sandbox", new { });
        await sandboxWebhook.ReadProblemAsync(HttpStatusCode.NotFound);
        // Razorpay's webhook is there, and refuses an unsigned event.
        using var unsigned = await client.PostJsonAsync("/api/payments/webhooks/razorpay", new { @event = "payment.captured" });
        await unsigned.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_catalogue_endpoint()
    {
        await using var app = new MovieBookingApp(Sqlite(Path.Combine(_directory, "openapi.db")));
        using var client = app.CreateClient();

        var document = await client.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/health", "/api/cities", "/api/cities/{cityId}/movies", "/api/movies/{movieId}", "/api/movies/{movieId}/shows",
            "/api/theatres", "/api/theatres/{theatreId}", "/api/shows/{showId}", "/api/shows/{showId}/seats",
        })
        {
            Assert.True(paths.TryGetProperty(path, out var operations), $"{path} is missing");
            Assert.True(operations.GetProperty("get").GetProperty("responses").TryGetProperty("200", out _), $"{path} has no 200");
        }

        var seats = paths.GetProperty("/api/shows/{showId}/seats").GetProperty("get").GetProperty("responses");
        Assert.True(seats.TryGetProperty("404", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_bearer_scheme_on_protected_endpoints()
    {
        await using var app = new MovieBookingApp(Sqlite(Path.Combine(_directory, "bearer.db")));
        using var client = app.CreateClient();

        var document = await client.GetJsonAsync("/openapi/v1.json");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());

        var createCity = document.GetProperty("paths").GetProperty("/api/cities").GetProperty("post");
        Assert.True(createCity.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.True(createCity.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(createCity.GetProperty("responses").TryGetProperty("403", out _));
        // A public operation says it needs no credentials: one empty requirement.
        var listCities = document.GetProperty("paths").GetProperty("/api/cities").GetProperty("get");
        var security = Assert.Single(listCities.GetProperty("security").EnumerateArray());
        Assert.Empty(security.EnumerateObject());
    }

    [Fact]
    public async Task The_auth_endpoints_are_rate_limited_per_client_with_retry_after()
    {
        var settings = Sqlite(Path.Combine(_directory, "limits.db"));
        settings["RateLimiting:Auth:PermitLimit"] = "3";
        settings["RateLimiting:Auth:Window"] = "00:01:00";
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.PostJsonAsync("/api/auth/login", new { email = "nobody@example.com", password = "Wrong#123" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var limited = await client.PostJsonAsync("/api/auth/register", new { email = "late@example.com", password = "Late#2026", name = "Late" });
        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Reading the catalogue is not limited by the auth policy.
        await client.GetJsonAsync("/api/cities");
    }

    [Fact]
    public async Task Holds_are_rate_limited_per_user()
    {
        var settings = Sqlite(Path.Combine(_directory, "hold-limits.db"));
        settings["RateLimiting:Holds:PermitLimit"] = "2";
        await using var app = new MovieBookingApp(settings);
        using var user = await app.SignedInClientAsync(Accounts.UserEmail, Accounts.UserPassword);
        using var other = await app.SignedInClientAsync(Accounts.OwnerEmail, Accounts.OwnerPassword);
        var show = Guid.CreateVersion7();

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await user.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
            Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
        }

        using var limited = await user.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));

        // The limit is per user: someone else may still hold.
        using var otherUser = await other.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A1" } });
        Assert.Equal(HttpStatusCode.NotFound, otherUser.StatusCode);
    }

    [Fact]
    public async Task Demo_accounts_do_not_exist_without_demo_seeding()
    {
        var settings = Sqlite(Path.Combine(_directory, "nodemo.db"));
        settings["Seed:Demo"] = "false";
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();

        using var login = await client.PostJsonAsync("/api/auth/login", new { email = Accounts.AdminEmail, password = Accounts.AdminPassword });
        await login.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_without_internals()
    {
        await using var app = new MovieBookingApp(Sqlite(Path.Combine(_directory, "boom.db")));
        using var client = app.WithWebHostBuilder(web => web.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter, ThrowingEndpoint>())).CreateClient();

        var problem = await client.GetProblemAsync("/api/test/boom", HttpStatusCode.InternalServerError);
        var body = problem.ToString();
        Assert.DoesNotContain("secret-internal-detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("at MovieBooking", body, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Sqlite(string file) => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Default"] = $"Data Source={file}",
        ["Seed:Demo"] = "true",
    };

    private static async Task<(int Cities, int Movies, int Screens, int Shows, int Seats)> CountRowsAsync(Dictionary<string, string?> settings)
    {
        await using var app = new MovieBookingApp(settings);
        using var client = app.CreateClient();
        return await app.WithDbAsync(async db => (
            await db.Cities.CountAsync(),
            await db.Movies.CountAsync(),
            await db.Screens.CountAsync(),
            await db.Shows.CountAsync(),
            await db.ShowSeats.CountAsync()));
    }

    /// <summary>Adds, after the app's own pipeline, a path whose handler fails.</summary>
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate following) =>
                context.Request.Path == "/api/test/boom"
                    ? throw new InvalidOperationException("secret-internal-detail")
                    : following(context));
        };
    }
}
