using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Catalog;

public static class CitiesApi
{
    public static RouteGroupBuilder MapCitiesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/cities").WithTags("Cities");
        api.MapGet("/", ListCitiesAsync).WithSummary("Cities, by name.");
        api.MapGet("/{cityId:guid}", GetCityAsync).WithSummary("A city and its time zone.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{cityId:guid}/movies", ListMoviesInCityAsync)
            .WithSummary("Movies with bookable shows in the city, optionally on a day, in a language or of a genre.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("").RequireAuthorization(Policies.Admin);
        admin.MapPost("/", CreateCityAsync).WithSummary("Adds a city (Admin).").ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{cityId:guid}", UpdateCityAsync).WithSummary("Renames a city (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDelete("/{cityId:guid}", DeleteCityAsync).WithSummary("Removes a city without theatres (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<CityResponse>, ProblemHttpResult>> CreateCityAsync(
        CityRequest request, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (await db.Cities.AnyAsync(c => c.Slug == request.Slug, cancellationToken))
        {
            return SlugTaken(request.Slug);
        }

        var city = new City { Name = request.Name.Trim(), Slug = request.Slug, TimeZone = request.TimeZone };
        db.Cities.Add(city);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/cities/{city.Id}", new CityResponse(city.Id, city.Name, city.Slug, city.TimeZone));
    }

    private static async Task<Results<Ok<CityResponse>, ProblemHttpResult>> UpdateCityAsync(
        Guid cityId, CityRequest request, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var city = await db.Cities.FirstOrDefaultAsync(c => c.Id == cityId, cancellationToken);
        if (city is null)
        {
            return ApiProblems.NotFound("City", cityId);
        }

        if (await db.Cities.AnyAsync(c => c.Slug == request.Slug && c.Id != cityId, cancellationToken))
        {
            return SlugTaken(request.Slug);
        }

        (city.Name, city.Slug, city.TimeZone) = (request.Name.Trim(), request.Slug, request.TimeZone);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new CityResponse(city.Id, city.Name, city.Slug, city.TimeZone));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCityAsync(
        Guid cityId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (await db.Theatres.AnyAsync(t => t.CityId == cityId, cancellationToken))
        {
            return ApiProblems.Conflict("City has theatres", "Remove the city's theatres before the city.");
        }

        return await db.Cities.Where(c => c.Id == cityId).ExecuteDeleteAsync(cancellationToken) == 0
            ? ApiProblems.NotFound("City", cityId)
            : TypedResults.NoContent();
    }

    private static ProblemHttpResult SlugTaken(string slug) =>
        ApiProblems.Conflict("Slug already used", $"Another city has the slug '{slug}'.");

    private static Task<PagedList<CityResponse>> ListCitiesAsync(
        [AsParameters] PageRequest page, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken) =>
        db.Cities.AsNoTracking()
            .OrderBy(c => c.Name)
            .Select(CatalogProjections.City)
            .ToPageAsync(page, cancellationToken);

    private static async Task<Results<Ok<CityResponse>, ProblemHttpResult>> GetCityAsync(
        Guid cityId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        var city = await db.Cities.AsNoTracking()
            .Where(c => c.Id == cityId)
            .Select(CatalogProjections.City)
            .FirstOrDefaultAsync(cancellationToken);
        return city is null ? ApiProblems.NotFound("City", cityId) : TypedResults.Ok(city);
    }

    private static async Task<Results<Ok<PagedList<MovieResponse>>, ProblemHttpResult>> ListMoviesInCityAsync(
        Guid cityId,
        [AsParameters] ShowFilter filter,
        [AsParameters] PageRequest page,
        [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var timeZone = await db.Cities.Where(c => c.Id == cityId).Select(c => c.TimeZone).FirstOrDefaultAsync(cancellationToken);
        if (timeZone is null)
        {
            return ApiProblems.NotFound("City", cityId);
        }

        var shows = db.Shows
            .Where(s => s.Screen!.Theatre!.CityId == cityId)
            .Upcoming(time.GetUtcNow())
            .OnDay(filter.Date, timeZone)
            .InLanguage(filter.Language);
        var movies = await db.Movies.AsNoTracking()
            .Where(m => shows.Any(s => s.MovieId == m.Id))
            .InGenre(filter.Genre)
            .OrderBy(m => m.Title)
            .Select(CatalogProjections.Movie)
            .ToPageAsync(page, cancellationToken);
        return TypedResults.Ok(movies);
    }
}
