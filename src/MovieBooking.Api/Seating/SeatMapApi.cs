using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Seating;

public static class SeatMapApi
{
    public static IEndpointRouteBuilder MapSeatingApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/shows").WithTags("Seats")
            .MapGet("/{showId:guid}/seats", GetSeatMapAsync)
            .WithSummary("The seat map of a show: every seat with its category, price and status, and a count of each status.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<SeatMapJson, ProblemHttpResult>> GetSeatMapAsync(
        Guid showId, [FromKeyedServices(ReadReplica.Key)] SeatMapReader reader, SeatMapCache cache, IOptions<JsonOptions> json, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.Get(showId, now) is { } cached)
        {
            return new SeatMapJson(cached);
        }

        var version = cache.VersionOf(showId);
        if (await reader.ReadAsync(showId, now, cancellationToken) is not { } reading)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var map = JsonSerializer.SerializeToUtf8Bytes(reading.Map, json.Value.SerializerOptions);
        cache.Set(showId, version, map, now, reading.EarliestExpiry);
        return new SeatMapJson(map);
    }
}

/// <summary>A seat map already serialised (from the cache or just now), described to OpenAPI as a <see cref="SeatMapResponse"/>.</summary>
public sealed class SeatMapJson(byte[] utf8Json) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = utf8Json.Length;
        return httpContext.Response.Body.WriteAsync(utf8Json).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SeatMapResponse), ["application/json"]));
    }
}
