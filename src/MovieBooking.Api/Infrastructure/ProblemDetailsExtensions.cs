using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Every error answer is RFC 9457 problem details, whatever produced it.</summary>
public static class ProblemDetailsExtensions
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        // Binding failures (malformed JSON, a query value of the wrong type) are raised in every environment so
        // that the answer can say what was wrong, not only that something was.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();
        return builder;
    }

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>Turns a request the framework could not bind into a 400 problem that names the cause.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        return await problems.WriteExceptionProblemAsync(httpContext, exception, badRequest.StatusCode, "The request is malformed.",
            badRequest.InnerException is System.Text.Json.JsonException json
                ? $"The body is not valid JSON for this request: {json.Message}"
                : badRequest.Message);
    }
}

/// <summary>
/// Turns Redis being unreachable or not answering in time into a 503 problem with <c>Retry-After</c>: the service is
/// fine and the request may well succeed once Redis is back.
/// </summary>
internal sealed class RedisUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<RedisUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    private const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or RedisTimeoutException))
        {
            return false;
        }

        logger.LogWarning(exception, "Redis did not answer {Method} {Path}.", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.WriteExceptionProblemAsync(httpContext, exception, StatusCodes.Status503ServiceUnavailable,
            "Temporarily unavailable", "Redis did not answer in time. Try again in a few seconds.");
    }
}

internal static class ExceptionProblems
{
    /// <summary>Answers a handled exception with a problem of the given status.</summary>
    public static async ValueTask<bool> WriteExceptionProblemAsync(
        this IProblemDetailsService problems, HttpContext httpContext, Exception exception, int status, string title, string detail)
    {
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
