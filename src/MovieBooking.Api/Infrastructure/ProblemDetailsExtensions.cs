using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Every error answer is RFC 9457 problem details, whatever produced it.</summary>
public static class ProblemDetailsExtensions
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Type ??= ClientWording.ProblemType(problem.Status);
            problem.Instance ??= context.HttpContext.Request.Path;
            // The W3C trace id of the request (the one a caller's traceparent carried, when it sent one), so an answer
            // leads to the request's log lines and its trace.
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;
        });
        // Binding failures (malformed JSON, a query value of the wrong type) are raised in every environment so
        // that the answer can say what was wrong, not only that something was.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<UnavailableDependencyExceptionHandler>();
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

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a value of the wrong type) into a 400 validation
/// problem naming the field and what it should hold, in the client's terms.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        // The exception handler runs with the endpoint cleared; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var (field, message) = ClientWording.Describe(badRequest, bodyType);
        var status = badRequest.StatusCode;
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = status == StatusCodes.Status400BadRequest
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
                {
                    Status = status,
                    Title = "The request is malformed.",
                    Detail = field == "$" ? message : $"{field}: {message}",
                }
                : new ProblemDetails { Status = status, Title = "The request cannot be handled.", Detail = message },
        });
    }
}

/// <summary>
/// Turns a dependency that is down or slow (Redis, the database, the payment gateway) into a 503 problem with
/// <c>Retry-After</c>: the service itself is fine, nothing half done is left behind (every step is guarded or
/// reconciled), and the same request may well succeed once the dependency is back.
/// </summary>
internal sealed partial class UnavailableDependencyExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableDependencyExceptionHandler> logger)
    : IExceptionHandler
{
    private const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (TransientFaults.Dependency(exception) is not { } dependency)
        {
            return false;
        }

        // An outage is expected and answered; its cause in one line, without a stack trace.
        LogUnavailable(logger, dependency, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.WriteExceptionProblemAsync(httpContext, exception, StatusCodes.Status503ServiceUnavailable,
            "Temporarily unavailable", $"{dependency} is not available right now. Try again in a few seconds.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dependency} did not answer {Method} {Path}: {Error}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string dependency, string method, PathString path, string error, string reason);
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
