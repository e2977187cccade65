using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Names of the rate-limit policies; an endpoint group opts in with <c>.RequireRateLimiting(name)</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-up and sign-in endpoints, per client IP address.</summary>
    public const string Auth = "auth";

    /// <summary>Seat holds, per signed-in user.</summary>
    public const string Holds = "holds";
}

/// <summary>Bound from <c>RateLimiting</c>.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests to the auth endpoints per client IP address.</summary>
    public WindowLimit Auth { get; set; } = new() { PermitLimit = 100, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Seat holds per user.</summary>
    public WindowLimit Holds { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>How failed sign-ins slow further attempts (see <see cref="Identity.LoginThrottle"/>).</summary>
    public FailedSignInLimits FailedSignIns { get; set; } = new();
}

public sealed class FailedSignInLimits
{
    /// <summary>Failed sign-ins of one account name from one client address before each further attempt waits.</summary>
    [Range(1, 100)]
    public int FreeFailures { get; set; } = 5;

    /// <summary>The longest wait, however many failures.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a failure counts towards the delay (a success from the address clears them sooner).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Remembered { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Failed sign-ins from one client address, over all account names, before it is refused until the window passes.</summary>
    public WindowLimit PerClient { get; set; } = new() { PermitLimit = 100, Window = TimeSpan.FromHours(1) };
}

public sealed class WindowLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; }
}

public static class RateLimitingExtensions
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => IsValid(o.Auth) && IsValid(o.Holds) && IsValid(o.FailedSignIns.PerClient),
                "RateLimiting:Auth, RateLimiting:Holds and RateLimiting:FailedSignIns:PerClient need a PermitLimit of at least 1 and a Window of 00:00:01 to 1.00:00:00.")
            .Validate(o => o.FailedSignIns is { FreeFailures: >= 1 and <= 100 } limits
                    && limits.MaxDelay >= TimeSpan.FromSeconds(1) && limits.MaxDelay <= TimeSpan.FromDays(1)
                    && limits.Remembered >= TimeSpan.FromMinutes(1) && limits.Remembered <= TimeSpan.FromDays(30),
                "RateLimiting:FailedSignIns needs FreeFailures of 1 to 100, MaxDelay of 00:00:01 to 1.00:00:00 and Remembered of 00:01:00 to 30.00:00:00.")
            .ValidateOnStart();

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = WriteRejectionAsync;
            limiter.AddPolicy(RateLimitPolicies.Auth, context => FixedWindowPer(
                ClientAddress(context),
                context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Auth));
            limiter.AddPolicy(RateLimitPolicies.Holds, context => FixedWindowPer(
                context.User.FindFirst("sub")?.Value ?? ClientAddress(context),
                context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.Holds));
        });
        return builder;
    }

    /// <summary>
    /// The client's address: the connection's, or behind a trusted proxy the one it forwarded (see
    /// <c>ForwardedHeaders</c>); <c>unknown</c> when there is none (an in-process test host).
    /// </summary>
    public static string ClientAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    /// <summary>A 429 problem with <c>Retry-After</c> in whole seconds.</summary>
    public static async Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan? retryAfter, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = detail,
            },
        });
    }

    private static RateLimitPartition<string> FixedWindowPer(string key, WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });

    private static ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        TimeSpan? retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return new ValueTask(WriteTooManyRequestsAsync(rejected.HttpContext, retryAfter, "Too many requests from this client; try again later."));
    }

    private static bool IsValid(WindowLimit limit) =>
        limit.PermitLimit >= 1 && limit.Window >= TimeSpan.FromSeconds(1) && limit.Window <= TimeSpan.FromDays(1);
}
