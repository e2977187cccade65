using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Realtime;

public static class SeatStreamApi
{
    public static IEndpointRouteBuilder MapSeatStreamApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/shows/{showId:guid}/seats/stream", StreamAsync).WithTags("Seats")
            .WithSummary("Server-Sent Events: a snapshot of the seat map, then every change to its seats as it happens.")
            .WithDescription(
                "The first event is `snapshot` (the seat map and its version, which is also the event id). Each later event is " +
                "`seats`: `{\"version\": n, \"seats\": [{\"id\": \"C7\", \"status\": \"HELD\"}]}`. A comment line comes every 15 seconds. " +
                "Reconnect with `Last-Event-ID` to get the changes missed, or a fresh snapshot when they are no longer kept.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<SeatEventsResult, ProblemHttpResult>> StreamAsync(
        Guid showId, HttpRequest request, ShowFactsCache shows, SeatFeeds feeds, CancellationToken cancellationToken)
    {
        if (await shows.GetAsync(showId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        // A client's own id that is not ours (or garbled) gets what a new client gets: a snapshot.
        var lastEventId = long.TryParse(request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        return new SeatEventsResult(showId, lastEventId, feeds);
    }
}

/// <summary>The open stream of one watcher, until the client leaves or the service stops.</summary>
public sealed class SeatEventsResult(Guid showId, long? lastEventId, SeatFeeds feeds) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var stopping = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var metrics = httpContext.RequestServices.GetRequiredService<ServiceMetrics>();
        var feed = await feeds.AcquireAsync(showId);
        metrics.SeatStreamOpened();
        try
        {
            var (watcher, initial, resume) = feed.Join(lastEventId);
            try
            {
                if (resume is { } after && await feed.MissedAsync(after, initial[0].Version) is { } missed)
                {
                    initial = missed;
                }

                var response = httpContext.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
                // nginx passes the events on at once rather than buffering them.
                response.Headers["X-Accel-Buffering"] = "no";
                httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await watcher.WriteAsync(response.Body, initial, feed.SnapshotFrame, ended.Token);
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
                // The client left or the service is stopping: the stream simply ends.
            }
            finally
            {
                feed.Leave(watcher);
            }
        }
        finally
        {
            metrics.SeatStreamClosed();
            feeds.Release(showId, feed);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SeatMapSnapshot), ["text/event-stream"]));
    }
}
