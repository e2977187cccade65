using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var health = app.MapGroup("/api/health").WithTags("Health");
        health.MapGet("/", Alive).WithSummary("Liveness: the process answers.");
        health.MapGet("/ready", ReadyAsync)
            .WithSummary("Readiness: the database and, when configured, Redis answer; a 503 problem lists each check otherwise.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public sealed record HealthResponse(bool Success, string Message);

    public sealed record ReadinessResponse(string Status, IReadOnlyDictionary<string, string> Checks);

    private static Ok<HealthResponse> Alive() => TypedResults.Ok(new HealthResponse(true, "Server is running"));

    private static async Task<Results<Ok<ReadinessResponse>, ProblemHttpResult>> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready), cancellationToken);
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString());
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new ReadinessResponse(report.Status.ToString(), checks));
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Service not ready",
            detail: string.Join(" ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}")),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }
}
