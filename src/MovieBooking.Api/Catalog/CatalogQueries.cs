using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;

namespace MovieBooking.Api.Catalog;

/// <summary>Filters of show-based catalogue lists. <c>date</c> is a calendar day in the city's time zone.</summary>
public sealed record ShowFilter
{
    [Description("Local calendar day of the shows, yyyy-MM-dd.")]
    public DateOnly? Date { get; init; }

    [StringLength(40), Description("Spoken language of the show, e.g. Hindi (any case).")]
    public string? Language { get; init; }

    [StringLength(40), Description("Genre of the movie, e.g. Thriller (any case).")]
    public string? Genre { get; init; }
}

/// <summary>Projections from entities straight into response records, shared by every catalogue query.</summary>
internal static class CatalogProjections
{
    public static readonly Expression<Func<City, CityResponse>> City =
        c => new CityResponse(c.Id, c.Name, c.Slug, c.TimeZone);

    public static readonly Expression<Func<Movie, MovieResponse>> Movie =
        m => new MovieResponse(m.Id, m.Title, m.Description, m.Languages, m.Genres, m.DurationMinutes, m.Certificate, m.ReleaseDate, m.PosterUrl);

    public static readonly Func<Movie, MovieResponse> ToMovieResponse = Movie.Compile();

    public static readonly Expression<Func<Theatre, TheatreResponse>> Theatre =
        t => new TheatreResponse(t.Id, t.Name, t.Address, new CityRef(t.City!.Id, t.City.Name), t.GapRule);

    /// <summary>Shows that can still be booked: scheduled and not yet started.</summary>
    public static IQueryable<Show> Upcoming(this IQueryable<Show> shows, DateTimeOffset now) =>
        shows.Where(s => s.Status == ShowStatus.Scheduled && s.StartsAt > now);

    public static IQueryable<Show> OnDay(this IQueryable<Show> shows, DateOnly? date, string timeZone)
    {
        if (date is not { } day)
        {
            return shows;
        }

        var (start, end) = CityTime.Day(day, timeZone);
        return shows.Where(s => s.StartsAt >= start && s.StartsAt < end);
    }

    public static IQueryable<Show> InLanguage(this IQueryable<Show> shows, string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return shows;
        }

        var wanted = language.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(); no .NET culture is involved
        return shows.Where(s => s.Language.ToLower() == wanted);
#pragma warning restore CA1304, CA1311, CA1862
    }

    public static IQueryable<Movie> SpokenIn(this IQueryable<Movie> movies, string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return movies;
        }

        var wanted = language.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(); no .NET culture is involved
        return movies.Where(m => m.Languages.Any(l => l.ToLower() == wanted));
#pragma warning restore CA1304, CA1311, CA1862
    }

    public static IQueryable<Movie> InGenre(this IQueryable<Movie> movies, string? genre)
    {
        if (string.IsNullOrWhiteSpace(genre))
        {
            return movies;
        }

        var wanted = genre.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(); no .NET culture is involved
        return movies.Where(m => m.Genres.Any(g => g.ToLower() == wanted));
#pragma warning restore CA1304, CA1311, CA1862
    }
}
