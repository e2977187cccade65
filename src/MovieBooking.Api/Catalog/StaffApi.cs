using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Catalog;

/// <summary>A show as its theatre's staff follow it: when, where, and how full (available, held, sold, blocked seats).</summary>
public sealed record StaffShow(
    Guid Id, string Movie, Guid TheatreId, string Theatre, string Screen, DateTimeOffset StartsAt, ShowStatus Status, SeatSummary Seats);

/// <summary>A theatre the caller manages, with its screens.</summary>
public sealed record StaffTheatre(Guid Id, string Name, string City, IReadOnlyList<StaffScreen> Screens);

/// <summary>A screen as its theatre's staff see it: whether its shows can take their prices from a price plan.</summary>
public sealed record StaffScreen(Guid Id, string Name, int SeatCount, bool HasPricePlan);

public static class StaffApi
{
    public sealed record StaffShowsRequest
    {
        [Description("The theatres' local calendar day, yyyy-MM-dd; today by default.")]
        public DateOnly? Date { get; init; }
    }

    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/staff/shows", ListStaffShowsAsync).WithTags("Shows")
            .RequireAuthorization(Policies.TheatreManager)
            .WithSummary("The shows of the caller's theatres (every theatre for an admin) on a day, with each one's occupancy now.");
        routes.MapGet("/api/staff/theatres", ListStaffTheatresAsync).WithTags("Theatres")
            .RequireAuthorization(Policies.TheatreManager)
            .WithSummary("The theatres the caller manages (every theatre for an admin), by city and name, with their screens.");
        return routes;
    }

    private static async Task<Ok<List<StaffTheatre>>> ListStaffTheatresAsync(CurrentUser user, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var userId = user.Id;
        var admin = user.IsAdmin;
        var theatres = await (
                from theatre in db.Theatres.AsNoTracking()
                join city in db.Cities on theatre.CityId equals city.Id
                where admin || theatre.OwnerId == userId
                orderby city.Name, theatre.Name
                select new { theatre.Id, theatre.Name, City = city.Name })
            .ToListAsync(cancellationToken);
        var ids = theatres.Select(t => t.Id).ToList();
        var screens = (await db.Screens.AsNoTracking()
                .Where(s => ids.Contains(s.TheatreId))
                .OrderBy(s => s.Name)
                .Select(s => new { s.TheatreId, s.Id, s.Name, Seats = s.Seats.Count, Plan = db.PricePlans.Any(p => p.ScreenId == s.Id) })
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.TheatreId, s => new StaffScreen(s.Id, s.Name, s.Seats, s.Plan));
        return TypedResults.Ok(theatres.Select(t => new StaffTheatre(t.Id, t.Name, t.City, [.. screens[t.Id]])).ToList());
    }

    private static async Task<Ok<List<StaffShow>>> ListStaffShowsAsync(
        [AsParameters] StaffShowsRequest request,
        CurrentUser user,
        MovieBookingDb db,
        SeatMapReader seatMaps,
        Microsoft.Extensions.Options.IOptions<CatalogOptions> catalog,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var date = request.Date ?? CityTime.Today(now, catalog.Value.TimeZone);
        // Every time zone's day lies within a day either side of the UTC day; the exact day is judged per city below.
        var earliest = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        var latest = earliest.AddDays(3);
        var userId = user.Id;
        var admin = user.IsAdmin;
        var shows = await (
                from show in db.Shows.AsNoTracking()
                join screen in db.Screens on show.ScreenId equals screen.Id
                join theatre in db.Theatres on screen.TheatreId equals theatre.Id
                join city in db.Cities on theatre.CityId equals city.Id
                join movie in db.Movies on show.MovieId equals movie.Id
                where (admin || theatre.OwnerId == userId) && show.StartsAt >= earliest && show.StartsAt < latest
                orderby show.StartsAt, theatre.Name
                select new { show.Id, Movie = movie.Title, TheatreId = theatre.Id, Theatre = theatre.Name, Screen = screen.Name, show.StartsAt, show.Status, city.TimeZone })
            .ToListAsync(cancellationToken);

        var answers = new List<StaffShow>();
        foreach (var show in shows.Where(s => DateOnly.FromDateTime(CityTime.ToLocal(s.StartsAt, s.TimeZone).DateTime) == date))
        {
            var seats = (await seatMaps.ReadAsync(show.Id, now, cancellationToken))?.Map.Summary ?? new SeatSummary(0, 0, 0, 0);
            answers.Add(new StaffShow(show.Id, show.Movie, show.TheatreId, show.Theatre, show.Screen, CityTime.ToLocal(show.StartsAt, show.TimeZone), show.Status, seats));
        }

        return TypedResults.Ok(answers);
    }
}
