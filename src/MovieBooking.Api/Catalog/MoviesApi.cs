using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Catalog;

public static class MoviesApi
{
    public static RouteGroupBuilder MapMoviesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/movies").WithTags("Movies");
        api.MapGet("/", ListMoviesAsync).WithSummary("The movie catalogue, by title, optionally in a language or of a genre.");
        api.MapGet("/{movieId:guid}", GetMovieAsync).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{movieId:guid}/shows", ListShowsAsync)
            .WithSummary("Bookable shows of the movie grouped by theatre, optionally in one city and on one day.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public sealed record MovieFilter
    {
        [StringLength(40), Description("A language the movie is available in (any case).")]
        public string? Language { get; init; }

        [StringLength(40), Description("Genre of the movie (any case).")]
        public string? Genre { get; init; }
    }

    public sealed record MovieShowsFilter
    {
        [Description("Only theatres in this city.")]
        public Guid? CityId { get; init; }

        [Description("Local calendar day of the shows, yyyy-MM-dd.")]
        public DateOnly? Date { get; init; }
    }

    private static Task<PagedList<MovieResponse>> ListMoviesAsync(
        [AsParameters] MovieFilter filter, [AsParameters] PageRequest page, MovieBookingDb db, CancellationToken cancellationToken) =>
        db.Movies.AsNoTracking()
            .SpokenIn(filter.Language)
            .InGenre(filter.Genre)
            .OrderBy(m => m.Title)
            .Select(CatalogProjections.Movie)
            .ToPageAsync(page, cancellationToken);

    private static async Task<Results<Ok<MovieResponse>, ProblemHttpResult>> GetMovieAsync(
        Guid movieId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var movie = await db.Movies.AsNoTracking()
            .Where(m => m.Id == movieId)
            .Select(CatalogProjections.Movie)
            .FirstOrDefaultAsync(cancellationToken);
        return movie is null ? ApiProblems.NotFound("Movie", movieId) : TypedResults.Ok(movie);
    }

    private static async Task<Results<Ok<List<TheatreShows>>, ProblemHttpResult>> ListShowsAsync(
        Guid movieId,
        [AsParameters] MovieShowsFilter filter,
        MovieBookingDb db,
        TimeProvider time,
        IOptions<CatalogOptions> catalog,
        CancellationToken cancellationToken)
    {
        var timeZone = catalog.Value.TimeZone;
        if (filter is { Date: not null, CityId: { } cityId })
        {
            // The day is the city's day; an unknown city simply has no shows.
            timeZone = await db.Cities.Where(c => c.Id == cityId).Select(c => c.TimeZone).FirstOrDefaultAsync(cancellationToken) ?? timeZone;
        }

        var shows = db.Shows.AsNoTracking()
            .Where(s => s.MovieId == movieId)
            .Upcoming(time.GetUtcNow())
            .OnDay(filter.Date, timeZone);
        if (filter.CityId is { } city)
        {
            shows = shows.Where(s => s.Screen!.Theatre!.CityId == city);
        }

        var rows = await shows
            .OrderBy(s => s.Screen!.Theatre!.Name).ThenBy(s => s.StartsAt)
            .Select(ShowProjections.Listed)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0 && !await db.Movies.AnyAsync(m => m.Id == movieId, cancellationToken))
        {
            return ApiProblems.NotFound("Movie", movieId);
        }

        var grouped = rows
            .GroupBy(r => r.Theatre.Id)
            .Select(g => new TheatreShows(g.First().Theatre, [.. g.Select(r => r.ToSummary())]))
            .ToList();
        return TypedResults.Ok(grouped);
    }
}
