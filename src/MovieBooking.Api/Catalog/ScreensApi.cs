using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Catalog;

public static class ScreensApi
{
    public static IEndpointRouteBuilder MapScreensApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/screens/{screenId:guid}", GetScreenAsync).WithTags("Screens")
            .WithSummary("A screen with its seat layout.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapPost("/api/theatres/{theatreId:guid}/screens", CreateScreenAsync).WithTags("Screens")
            .RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Adds a screen with its seat layout to a theatre (its owner, or Admin).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var manage = routes.MapGroup("/api/screens").WithTags("Screens").RequireAuthorization(Policies.TheatreManager);
        manage.MapPut("/{screenId:guid}", UpdateScreenAsync)
            .WithSummary("Renames a screen or changes its layout; upcoming shows get the new layout. Refused while seats are sold or held.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapDelete("/{screenId:guid}", DeleteScreenAsync)
            .WithSummary("Removes a screen and its shows. Refused while seats are sold or held.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Ok<ScreenResponse>, ProblemHttpResult>> GetScreenAsync(
        Guid screenId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        var screen = await db.Screens.AsNoTracking().Include(s => s.Seats).FirstOrDefaultAsync(s => s.Id == screenId, cancellationToken);
        return screen is null ? ApiProblems.NotFound("Screen", screenId) : TypedResults.Ok(ToResponse(screen));
    }

    private static async Task<Results<Created<ScreenResponse>, ValidationProblem, ProblemHttpResult>> CreateScreenAsync(
        Guid theatreId, ScreenRequest request, MovieBookingDb db, CurrentUser user, CancellationToken cancellationToken)
    {
        var ownerId = await db.Theatres.Where(t => t.Id == theatreId).Select(t => (Guid?)t.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null)
        {
            return ApiProblems.NotFound("Theatre", theatreId);
        }

        if (!user.CanManageTheatreOf(ownerId.Value))
        {
            return TheatresApi.NotYours();
        }

        if (LayoutErrors(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var name = request.Name.Trim();
        if (await db.Screens.AnyAsync(s => s.TheatreId == theatreId && s.Name == name, cancellationToken))
        {
            return NameTaken(name);
        }

        var screen = new Screen { TheatreId = theatreId, Name = name, FocalRow = request.FocalPoint?.Row, FocalColumn = request.FocalPoint?.Column };
        screen.Seats.AddRange(SeatLayout.ToSeats(screen.Id, request.Rows));
        db.Screens.Add(screen);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/screens/{screen.Id}", ToResponse(screen));
    }

    private static async Task<Results<Ok<ScreenResponse>, ValidationProblem, ProblemHttpResult>> UpdateScreenAsync(
        Guid screenId, ScreenRequest request, MovieBookingDb db, CurrentUser user, SeatChangeFeed changes, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (LayoutErrors(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var screen = await db.Screens.Include(s => s.Seats).Include(s => s.Theatre).FirstOrDefaultAsync(s => s.Id == screenId, cancellationToken);
        if (screen is null)
        {
            return ApiProblems.NotFound("Screen", screenId);
        }

        if (!user.CanManageTheatreOf(screen.Theatre!.OwnerId))
        {
            return TheatresApi.NotYours();
        }

        var name = request.Name.Trim();
        if (await db.Screens.AnyAsync(s => s.TheatreId == screen.TheatreId && s.Name == name && s.Id != screenId, cancellationToken))
        {
            return NameTaken(name);
        }

        await ScreenLock.TakeAsync(db, screenId, cancellationToken);
        screen.Name = name;
        (screen.FocalRow, screen.FocalColumn) = (request.FocalPoint?.Row, request.FocalPoint?.Column);
        var layout = SeatLayout.ToSeats(screenId, request.Rows);
        if (!SameLayout(screen.Seats, layout))
        {
            var now = time.GetUtcNow();
            var shows = db.Shows.Where(s => s.ScreenId == screenId);
            if (await db.ShowSeats.Taken(now).AnyAsync(seat => shows.Any(s => s.Id == seat.ShowId), cancellationToken))
            {
                return ApiProblems.Conflict("Seats are sold", "The layout of a screen with sold or held seats cannot change.");
            }

            var upcoming = await shows.Upcoming(now)
                .Select(s => new { s.Id, Categories = s.Prices.Select(p => p.Category).ToList() })
                .ToListAsync(cancellationToken);
            var needed = layout.Select(s => s.Category).ToHashSet();
            if (upcoming.FirstOrDefault(s => !needed.IsSubsetOf(s.Categories)) is { } unpriced)
            {
                return ApiProblems.Conflict("Show lacks prices",
                    $"Show {unpriced.Id} has no price for a category of the new layout; update its prices first.");
            }

            db.ScreenSeats.RemoveRange(screen.Seats);
            await db.SaveChangesAsync(cancellationToken);
            screen.Seats.Clear();
            screen.Seats.AddRange(layout);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var show in upcoming)
            {
                await db.ShowSeats.Where(s => s.ShowId == show.Id).ExecuteDeleteAsync(cancellationToken);
                await ShowInventory.MaterialiseAsync(db, show.Id, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            upcoming.ForEach(show => changes.ShowChanged(show.Id));
            return TypedResults.Ok(ToResponse(screen));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(screen));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteScreenAsync(
        Guid screenId, MovieBookingDb db, CurrentUser user, SeatChangeFeed changes, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ownerId = await db.Screens.Where(s => s.Id == screenId).Select(s => (Guid?)s.Theatre!.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null)
        {
            return ApiProblems.NotFound("Screen", screenId);
        }

        if (!user.CanManageTheatreOf(ownerId.Value))
        {
            return TheatresApi.NotYours();
        }

        await ScreenLock.TakeAsync(db, screenId, cancellationToken);
        var shows = db.Shows.Where(s => s.ScreenId == screenId);
        if (await db.ShowSeats.Taken(time.GetUtcNow()).AnyAsync(seat => shows.Any(s => s.Id == seat.ShowId), cancellationToken))
        {
            return ApiProblems.Conflict("Seats are sold", "A screen with sold or held seats cannot be removed.");
        }

        var removed = await shows.Select(s => s.Id).ToListAsync(cancellationToken);
        await shows.ExecuteDeleteAsync(cancellationToken);
        await db.Screens.Where(s => s.Id == screenId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        removed.ForEach(changes.ShowChanged);
        return TypedResults.NoContent();
    }

    private static bool SameLayout(IEnumerable<ScreenSeat> current, IEnumerable<ScreenSeat> proposed) =>
        current.Select(Key).ToHashSet().SetEquals(proposed.Select(Key));

    private static (string, string, int, int, int, SeatCategory, bool) Key(ScreenSeat s) =>
        (s.Label, s.Row, s.RowIndex, s.Number, s.Column, s.Category, s.IsBlocked);

    private static ScreenResponse ToResponse(Screen screen) =>
        new(screen.Id, screen.TheatreId, screen.Name, screen.Seats.Count, SeatLayout.FromSeats(screen.Seats),
            screen is { FocalRow: { } row, FocalColumn: { } column } ? new FocalPoint(row, column) : null);

    /// <summary>The layout's broken rules, and a focal point's row that is not one of the layout's.</summary>
    private static Dictionary<string, string[]> LayoutErrors(ScreenRequest request)
    {
        var errors = SeatLayout.Validate(request.Rows);
        if (request.FocalPoint is { } focal && errors.Count == 0 && !request.Rows.Any(r => r.Label == focal.Row))
        {
            errors["focalPoint.row"] = [$"The layout has no row {focal.Row}."];
        }

        return errors;
    }

    private static ProblemHttpResult NameTaken(string name) =>
        ApiProblems.Conflict("Screen name used", $"The theatre already has a screen named '{name}'.");
}

/// <summary>Serialises schedule and layout changes of one screen (a row lock on PostgreSQL; SQLite has one writer).</summary>
internal static class ScreenLock
{
    public static async Task<bool> TakeAsync(MovieBookingDb db, Guid screenId, CancellationToken cancellationToken) =>
        await db.Screens.Where(s => s.Id == screenId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, x => x.Name), cancellationToken) == 1;
}
