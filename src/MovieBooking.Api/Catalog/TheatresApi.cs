using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

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

        api.MapPost("/", CreateTheatreAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Opens a theatre in a city and assigns its owner (Admin).");
        api.MapPut("/{theatreId:guid}", UpdateTheatreAsync).RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Updates a theatre's name, address and gap rule (its owner, or Admin); a gap rule left out stays as it is.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{theatreId:guid}", DeleteTheatreAsync).RequireAuthorization(Policies.Admin)
            .WithSummary("Closes a theatre that has no screens (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<TheatreResponse>, ValidationProblem>> CreateTheatreAsync(
        CreateTheatreRequest request, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var city = await db.Cities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.CityId, cancellationToken);
        if (city is null)
        {
            return ApiProblems.Invalid("cityId", "No city has this id.");
        }

        var ownerRole = await db.Users.Where(u => u.Id == request.OwnerId).Select(u => (Role?)u.Role).FirstOrDefaultAsync(cancellationToken);
        if (ownerRole is not Role.TheatreOwner)
        {
            return ApiProblems.Invalid("ownerId", ownerRole is null ? "No user has this id." : "The owner must have the TheatreOwner role.");
        }

        var theatre = new Theatre
        {
            CityId = city.Id,
            OwnerId = request.OwnerId!.Value,
            Name = request.Name.Trim(),
            Address = request.Address.Trim(),
            GapRule = request.GapRule ?? GapRule.Strict,
        };
        db.Theatres.Add(theatre);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/theatres/{theatre.Id}",
            new TheatreResponse(theatre.Id, theatre.Name, theatre.Address, new CityRef(city.Id, city.Name), theatre.GapRule));
    }

    private static async Task<Results<Ok<TheatreResponse>, ProblemHttpResult>> UpdateTheatreAsync(
        Guid theatreId, UpdateTheatreRequest request, MovieBookingDb db, CurrentUser user, ShowFactsCache shows, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.Include(t => t.City).FirstOrDefaultAsync(t => t.Id == theatreId, cancellationToken);
        if (theatre is null)
        {
            return ApiProblems.NotFound("Theatre", theatreId);
        }

        if (!user.CanManageTheatreOf(theatre.OwnerId))
        {
            return NotYours();
        }

        var ruleChanged = request.GapRule is { } rule && rule != theatre.GapRule;
        (theatre.Name, theatre.Address, theatre.GapRule) = (request.Name.Trim(), request.Address.Trim(), request.GapRule ?? theatre.GapRule);
        await db.SaveChangesAsync(cancellationToken);
        if (ruleChanged)
        {
            // This instance's shows follow at once; other instances' copies lapse within seconds.
            var now = time.GetUtcNow();
            var upcoming = await db.Shows.Where(s => s.Screen!.TheatreId == theatreId).Upcoming(now).Select(s => s.Id).ToListAsync(cancellationToken);
            upcoming.ForEach(shows.Invalidate);
        }

        return TypedResults.Ok(new TheatreResponse(theatre.Id, theatre.Name, theatre.Address, new CityRef(theatre.CityId, theatre.City!.Name), theatre.GapRule));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTheatreAsync(
        Guid theatreId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (await db.Screens.AnyAsync(s => s.TheatreId == theatreId, cancellationToken))
        {
            return ApiProblems.Conflict("Theatre has screens", "Remove the theatre's screens before the theatre.");
        }

        return await db.Theatres.Where(t => t.Id == theatreId).ExecuteDeleteAsync(cancellationToken) == 0
            ? ApiProblems.NotFound("Theatre", theatreId)
            : TypedResults.NoContent();
    }

    internal static ProblemHttpResult NotYours() =>
        ApiProblems.Forbidden("Only the theatre's owner or an admin may change it.");

    public sealed record TheatreFilter
    {
        [Description("Only theatres in this city.")]
        public Guid? CityId { get; init; }
    }

    private static Task<PagedList<TheatreResponse>> ListTheatresAsync(
        [AsParameters] TheatreFilter filter, [AsParameters] PageRequest page, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        var theatres = db.Theatres.AsNoTracking();
        if (filter.CityId is { } cityId)
        {
            theatres = theatres.Where(t => t.CityId == cityId);
        }

        return theatres.OrderBy(t => t.Name).Select(CatalogProjections.Theatre).ToPageAsync(page, cancellationToken);
    }

    private static async Task<Results<Ok<TheatreDetailResponse>, ProblemHttpResult>> GetTheatreAsync(
        Guid theatreId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.AsNoTracking()
            .Where(t => t.Id == theatreId)
            .Select(t => new TheatreDetailResponse(
                t.Id,
                t.Name,
                t.Address,
                new CityRef(t.City!.Id, t.City.Name),
                t.GapRule,
                t.Screens.OrderBy(s => s.Name).Select(s => new ScreenSummary(s.Id, s.Name, s.Seats.Count)).ToList()))
            .FirstOrDefaultAsync(cancellationToken);
        return theatre is null ? ApiProblems.NotFound("Theatre", theatreId) : TypedResults.Ok(theatre);
    }
}
