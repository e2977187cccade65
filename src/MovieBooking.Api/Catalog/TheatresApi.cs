using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Catalog;

public static class TheatresApi
{
    public static RouteGroupBuilder MapTheatresApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/theatres").WithTags("Theatres");
        api.MapGet("/", ListTheatresAsync).WithSummary("Theatres by name, optionally in one city.");
        api.MapGet("/{theatreId:guid}", GetTheatreAsync)
            .WithSummary("A theatre and its screens.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public sealed record TheatreFilter
    {
        [Description("Only theatres in this city.")]
        public Guid? CityId { get; init; }
    }

    private static Task<PagedList<TheatreResponse>> ListTheatresAsync(
        [AsParameters] TheatreFilter filter, [AsParameters] PageRequest page, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var theatres = db.Theatres.AsNoTracking();
        if (filter.CityId is { } cityId)
        {
            theatres = theatres.Where(t => t.CityId == cityId);
        }

        return theatres.OrderBy(t => t.Name).Select(CatalogProjections.Theatre).ToPageAsync(page, cancellationToken);
    }

    private static async Task<Results<Ok<TheatreDetailResponse>, ProblemHttpResult>> GetTheatreAsync(
        Guid theatreId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.AsNoTracking()
            .Where(t => t.Id == theatreId)
            .Select(t => new TheatreDetailResponse(
                t.Id,
                t.Name,
                t.Address,
                new CityRef(t.City!.Id, t.City.Name),
                t.Screens.OrderBy(s => s.Name).Select(s => new ScreenSummary(s.Id, s.Name, s.Seats.Count)).ToList()))
            .FirstOrDefaultAsync(cancellationToken);
        return theatre is null ? ApiProblems.NotFound("Theatre", theatreId) : TypedResults.Ok(theatre);
    }
}
