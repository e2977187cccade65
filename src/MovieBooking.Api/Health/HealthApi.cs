using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/health", Alive)
            .WithTags("Health")
            .WithSummary("Liveness: the process answers.");
        app.MapHealthChecks("/api/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteReadinessAsync,
        }).WithTags("Health");
        return app;
    }

    public sealed record HealthResponse(bool Success, string Message);

    public sealed record ReadinessResponse(string Status, IReadOnlyDictionary<string, string> Checks);

    private static Ok<HealthResponse> Alive() => TypedResults.Ok(new HealthResponse(true, "Server is running"));

    private static async Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString());
        if (report.Status == HealthStatus.Healthy)
        {
            await context.Response.WriteAsJsonAsync(new ReadinessResponse(report.Status.ToString(), checks));
            return;
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service not ready",
                Detail = string.Join(" ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                    .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}")),
                Extensions = { ["checks"] = checks },
            },
        });
    }
}
