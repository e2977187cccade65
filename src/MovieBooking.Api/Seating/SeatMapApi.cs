using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
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
        Guid showId, MovieBookingDb db, IHoldStore holds, SeatMapCache cache, IOptions<JsonOptions> json, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (cache.Get(showId, now) is { } cached)
        {
            return new SeatMapJson(cached);
        }

        var version = cache.VersionOf(showId);
        var entries = await (
            from seat in db.ShowSeats.AsNoTracking()
            join show in db.Shows on seat.ShowId equals show.Id
            join price in db.ShowPrices on new { seat.ShowId, seat.Category } equals new { price.ShowId, price.Category }
            where seat.ShowId == showId
            orderby seat.RowIndex, seat.Column
            select new SeatMapEntry(
                seat.Row, seat.SeatId, seat.Number, seat.Column, seat.Category, price.Amount, show.Currency, seat.Status, seat.HoldExpiresAt))
            .ToListAsync(cancellationToken);
        if (entries.Count == 0 && !await db.Shows.AnyAsync(s => s.Id == showId, cancellationToken))
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var heldElsewhere = await holds.HeldSeatsAsync(showId, now, cancellationToken);
        var map = JsonSerializer.SerializeToUtf8Bytes(SeatMapBuilder.Build(showId, entries, now, heldElsewhere), json.Value.SerializerOptions);
        var earliestExpiry = entries.Where(e => e.Status == SeatStatus.Held && e.HoldExpiresAt > now).Select(e => e.HoldExpiresAt)
            .Concat(heldElsewhere.Values.Select(v => (DateTimeOffset?)v))
            .Min();
        cache.Set(showId, version, map, now, earliestExpiry);
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
