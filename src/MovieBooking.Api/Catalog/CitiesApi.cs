using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Catalog;

public static class CitiesApi
{
    public static RouteGroupBuilder MapCitiesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/cities").WithTags("Cities");
        api.MapGet("/", ListCitiesAsync).WithSummary("Cities, by name.");
        api.MapGet("/{cityId:guid}", GetCityAsync).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{cityId:guid}/movies", ListMoviesInCityAsync)
            .WithSummary("Movies with bookable shows in the city, optionally on a day, in a language or of a genre.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static Task<PagedList<CityResponse>> ListCitiesAsync(
        [AsParameters] PageRequest page, MovieBookingDb db, CancellationToken cancellationToken) =>
        db.Cities.AsNoTracking()
            .OrderBy(c => c.Name)
            .Select(CatalogProjections.City)
            .ToPageAsync(page, cancellationToken);

    private static async Task<Results<Ok<CityResponse>, ProblemHttpResult>> GetCityAsync(
        Guid cityId, MovieBookingDb db, CancellationToken cancellationToken)
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
        MovieBookingDb db,
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
