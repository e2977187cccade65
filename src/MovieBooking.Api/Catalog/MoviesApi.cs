using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Catalog;

public static class MoviesApi
{
    public static RouteGroupBuilder MapMoviesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/movies").WithTags("Movies");
        api.MapGet("/", ListMoviesAsync).WithSummary("The movie catalogue, by title, optionally in a language or of a genre.");
        api.MapGet("/{movieId:guid}", GetMovieAsync).WithSummary("A movie of the catalogue.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{movieId:guid}/shows", ListShowsAsync)
            .WithSummary("Bookable shows of the movie grouped by theatre, optionally in one city and on one day.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("").RequireAuthorization(Policies.Admin);
        admin.MapPost("/", CreateMovieAsync).WithSummary("Adds a movie to the catalogue (Admin).");
        admin.MapPut("/{movieId:guid}", UpdateMovieAsync).WithSummary("Updates a movie (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/{movieId:guid}", DeleteMovieAsync).WithSummary("Removes a movie that has no shows (Admin).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<MovieResponse>, ValidationProblem>> CreateMovieAsync(
        MovieRequest request, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (ListErrors(request) is { } errors)
        {
            return errors;
        }

        var movie = new Movie { Title = "", Certificate = "" };
        Apply(movie, request);
        db.Movies.Add(movie);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/movies/{movie.Id}", CatalogProjections.ToMovieResponse(movie));
    }

    private static async Task<Results<Ok<MovieResponse>, ValidationProblem, ProblemHttpResult>> UpdateMovieAsync(
        Guid movieId, MovieRequest request, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (ListErrors(request) is { } errors)
        {
            return errors;
        }

        var movie = await db.Movies.FirstOrDefaultAsync(m => m.Id == movieId, cancellationToken);
        if (movie is null)
        {
            return ApiProblems.NotFound("Movie", movieId);
        }

        Apply(movie, request);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(CatalogProjections.ToMovieResponse(movie));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMovieAsync(
        Guid movieId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (await db.Shows.AnyAsync(s => s.MovieId == movieId, cancellationToken))
        {
            return ApiProblems.Conflict("Movie has shows", "A movie with shows cannot be removed.");
        }

        return await db.Movies.Where(m => m.Id == movieId).ExecuteDeleteAsync(cancellationToken) == 0
            ? ApiProblems.NotFound("Movie", movieId)
            : TypedResults.NoContent();
    }

    /// <summary>Each language and genre is a short non-blank name.</summary>
    private static ValidationProblem? ListErrors(MovieRequest request)
    {
        static bool Bad(List<string> names) => names.Any(n => string.IsNullOrWhiteSpace(n) || n.Trim().Length > 40);
        return Bad(request.Languages) ? ApiProblems.Invalid("languages", "Each language is 1 to 40 characters.")
            : Bad(request.Genres) ? ApiProblems.Invalid("genres", "Each genre is 1 to 40 characters.")
            : null;
    }

    private static void Apply(Movie movie, MovieRequest request)
    {
        movie.Title = request.Title.Trim();
        movie.Description = request.Description?.Trim() ?? "";
        movie.Languages = [.. request.Languages.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        movie.Genres = [.. request.Genres.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        movie.DurationMinutes = request.DurationMinutes;
        movie.Certificate = request.Certificate;
        movie.ReleaseDate = request.ReleaseDate!.Value;
        movie.PosterUrl = request.PosterUrl;
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
        [AsParameters] MovieFilter filter, [AsParameters] PageRequest page, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken) =>
        db.Movies.AsNoTracking()
            .SpokenIn(filter.Language)
            .InGenre(filter.Genre)
            .OrderBy(m => m.Title)
            .Select(CatalogProjections.Movie)
            .ToPageAsync(page, cancellationToken);

    private static async Task<Results<Ok<MovieResponse>, ProblemHttpResult>> GetMovieAsync(
        Guid movieId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
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
        [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db,
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
