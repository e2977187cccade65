using System.Diagnostics;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// One Information line per request (category <c>MovieBooking.Requests</c>): method, route template, status,
/// duration, the trace id that problem answers carry, and the signed-in user's id. ASP.NET Core's own per-request
/// lines stay at Warning, so this is the one line an operator reads.
/// </summary>
public static partial class RequestLog
{
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("MovieBooking.Requests");
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var method = context.Request.Method;
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "/";
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
                var userId = context.User.FindFirst(Identity.TokenClaims.Subject)?.Value ?? "-";
                LogRequest(logger, method, route, context.Response.StatusCode, elapsed, traceId, userId);
            }
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Route} {Status} in {ElapsedMs:0.0} ms (trace {TraceId}, user {UserId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double elapsedMs, string traceId, string userId);
}
