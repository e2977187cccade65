using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Catalog;

/// <summary>Scheduling shows: theatre owners for their own screens, admins for every screen.</summary>
public static class ShowManagementApi
{
    public static RouteGroupBuilder MapShowManagementApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/shows").WithTags("Shows").RequireAuthorization(Policies.TheatreManager);
        api.MapPost("/", CreateShowAsync)
            .WithSummary("Schedules a show on a screen with a price for each seat category, or without prices to take them from the screen's price plan for its start; its seat inventory is created with it.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("/{showId:guid}", UpdateShowAsync)
            .WithSummary("Changes a show's time, language, format or prices (omitted: unchanged). Its time cannot move once seats are sold or held.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{showId:guid}/cancel", CancelShowAsync)
            .WithSummary("Cancels a scheduled show: it can no longer be booked; unpaid bookings are cancelled and paid ones refunded in full.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{showId:guid}", DeleteShowAsync)
            .WithSummary("Removes a show that has no sold or held seats.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private sealed record ScreenFacts(Guid Id, Guid OwnerId, string TimeZone, List<SeatCategory> Categories);

    private sealed record MovieFacts(int DurationMinutes, List<string> Languages);

    private static async Task<Results<Created<ShowResponse>, ValidationProblem, ProblemHttpResult>> CreateShowAsync(
        CreateShowRequest request, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var screen = await ScreenFactsAsync(db, request.ScreenId!.Value, cancellationToken);
        if (screen is null)
        {
            return ApiProblems.Invalid("screenId", "No screen has this id.");
        }

        if (!user.CanManageTheatreOf(screen.OwnerId))
        {
            return TheatresApi.NotYours();
        }

        var movie = await db.Movies.Where(m => m.Id == request.MovieId)
            .Select(m => new MovieFacts(m.DurationMinutes, m.Languages)).FirstOrDefaultAsync(cancellationToken);
        if (movie is null)
        {
            return ApiProblems.Invalid("movieId", "No movie has this id.");
        }

        var startsAt = request.StartsAt!.Value.ToUniversalTime();
        var endsAt = request.EndsAt?.ToUniversalTime() ?? startsAt.AddMinutes(movie.DurationMinutes);
        // Explicit prices win; without them the screen's plan prices the show for its start, in the city's time.
        var prices = request.Prices;
        if (prices is null && await db.PricePlans.AsNoTracking().FirstOrDefaultAsync(p => p.ScreenId == screen.Id, cancellationToken) is { } plan)
        {
            prices = [.. plan.Rules.PricesAt(CityTime.ToLocal(startsAt, screen.TimeZone).DateTime)];
        }

        var errors = ShowRules.Validate(startsAt, endsAt, request.Language, prices, movie.DurationMinutes, movie.Languages,
            screen.Categories.ToHashSet(), time.GetUtcNow());
        if (request.Prices is null && errors.Remove("prices"))
        {
            errors["prices"] = [prices is null
                ? "Give a price for each seat category, or set a price plan for the screen."
                : "The screen's price plan does not price every seat category of its layout; give prices or update the plan."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ScreenLock.TakeAsync(db, screen.Id, cancellationToken);
        if (await OverlapsAsync(db, screen.Id, null, startsAt, endsAt, cancellationToken))
        {
            return Overlap();
        }

        var show = new Show
        {
            MovieId = request.MovieId!.Value,
            ScreenId = screen.Id,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Language = movie.Languages.First(l => l.Equals(request.Language.Trim(), StringComparison.OrdinalIgnoreCase)),
            Format = request.Format.Trim(),
        };
        show.Prices.AddRange(prices!.Select(p => new ShowPrice { Category = p.Category, Amount = p.Amount }));
        db.Shows.Add(show);
        await db.SaveChangesAsync(cancellationToken);
        await ShowInventory.MaterialiseAsync(db, show.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/shows/{show.Id}", await ReadAsync(db, show.Id, cancellationToken));
    }

    private static async Task<Results<Ok<ShowResponse>, ValidationProblem, ProblemHttpResult>> UpdateShowAsync(
        Guid showId, UpdateShowRequest request, MovieBookingDb db, CurrentUser user, SeatChangeFeed changes, TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var show = await db.Shows.Include(s => s.Prices).Include(s => s.Movie).FirstOrDefaultAsync(s => s.Id == showId, cancellationToken);
        if (show is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var screen = (await ScreenFactsAsync(db, show.ScreenId, cancellationToken))!;
        if (!user.CanManageTheatreOf(screen.OwnerId))
        {
            return TheatresApi.NotYours();
        }

        if (show.Status == ShowStatus.Cancelled)
        {
            return ApiProblems.Conflict("Show cancelled", "A cancelled show cannot be changed.");
        }

        var now = time.GetUtcNow();
        var startsAt = request.StartsAt!.Value.ToUniversalTime();
        var endsAt = request.EndsAt?.ToUniversalTime() ?? startsAt.AddMinutes(show.Movie!.DurationMinutes);
        var prices = request.Prices ?? [.. show.Prices.Select(p => new CategoryPrice(p.Category, p.Amount))];
        var errors = ShowRules.Validate(startsAt, endsAt, request.Language, prices, show.Movie!.DurationMinutes, show.Movie.Languages,
            screen.Categories.ToHashSet(), now);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await ScreenLock.TakeAsync(db, show.ScreenId, cancellationToken);
        var moved = startsAt != show.StartsAt || endsAt != show.EndsAt;
        if (moved && await db.ShowSeats.Where(s => s.ShowId == showId).Taken(now).AnyAsync(cancellationToken))
        {
            return ApiProblems.Conflict("Seats are sold", "A show with sold or held seats cannot move; cancel it instead.");
        }

        if (moved && await OverlapsAsync(db, show.ScreenId, showId, startsAt, endsAt, cancellationToken))
        {
            return Overlap();
        }

        show.StartsAt = startsAt;
        show.EndsAt = endsAt;
        show.Language = show.Movie.Languages.First(l => l.Equals(request.Language.Trim(), StringComparison.OrdinalIgnoreCase));
        show.Format = request.Format.Trim();
        foreach (var price in show.Prices)
        {
            price.Amount = prices.Single(p => p.Category == price.Category).Amount;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        changes.ShowChanged(showId);
        return TypedResults.Ok(await ReadAsync(db, showId, cancellationToken));
    }

    private static async Task<Results<Ok<ShowResponse>, ProblemHttpResult>> CancelShowAsync(
        Guid showId, MovieBookingDb db, CurrentUser user, SeatChangeFeed changes, PaymentService payments, CancellationToken cancellationToken)
    {
        var ownerId = await OwnerOfAsync(db, showId, cancellationToken);
        if (ownerId is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        if (!user.CanManageTheatreOf(ownerId.Value))
        {
            return TheatresApi.NotYours();
        }

        var cancelled = await db.Shows
            .Where(s => s.Id == showId && s.Status == ShowStatus.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ShowStatus.Cancelled), cancellationToken);
        changes.ShowChanged(showId);
        if (cancelled == 1)
        {
            // Nothing can be sold any more; unpaid bookings are cancelled and paid ones refunded in full.
            await payments.SettleCancelledShowAsync(showId, cancellationToken);
        }

        return cancelled == 0
            ? ApiProblems.Conflict("Show cancelled", "The show is already cancelled.")
            : TypedResults.Ok(await ReadAsync(db, showId, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteShowAsync(
        Guid showId, MovieBookingDb db, CurrentUser user, SeatChangeFeed changes, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ownerId = await OwnerOfAsync(db, showId, cancellationToken);
        if (ownerId is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        if (!user.CanManageTheatreOf(ownerId.Value))
        {
            return TheatresApi.NotYours();
        }

        if (await db.ShowSeats.Where(s => s.ShowId == showId).Taken(time.GetUtcNow()).AnyAsync(cancellationToken))
        {
            return ApiProblems.Conflict("Seats are sold", "A show with sold or held seats cannot be removed; cancel it instead.");
        }

        await db.Shows.Where(s => s.Id == showId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        changes.ShowChanged(showId);
        return TypedResults.NoContent();
    }

    private static async Task<ScreenFacts?> ScreenFactsAsync(MovieBookingDb db, Guid screenId, CancellationToken cancellationToken)
    {
        var owner = await db.Screens.Where(s => s.Id == screenId)
            .Select(s => new { s.Theatre!.OwnerId, s.Theatre.City!.TimeZone }).FirstOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return null;
        }

        var categories = await db.ScreenSeats.Where(s => s.ScreenId == screenId).Select(s => s.Category).Distinct().ToListAsync(cancellationToken);
        return new ScreenFacts(screenId, owner.OwnerId, owner.TimeZone, categories);
    }

    private static Task<Guid?> OwnerOfAsync(MovieBookingDb db, Guid showId, CancellationToken cancellationToken) =>
        db.Shows.Where(s => s.Id == showId).Select(s => (Guid?)s.Screen!.Theatre!.OwnerId).FirstOrDefaultAsync(cancellationToken);

    private static Task<bool> OverlapsAsync(
        MovieBookingDb db, Guid screenId, Guid? exceptShowId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken cancellationToken) =>
        db.Shows.AnyAsync(s => s.ScreenId == screenId && s.Id != exceptShowId && s.Status == ShowStatus.Scheduled
            && s.StartsAt < endsAt && s.EndsAt > startsAt, cancellationToken);

    private static async Task<ShowResponse> ReadAsync(MovieBookingDb db, Guid showId, CancellationToken cancellationToken) =>
        (await db.Shows.AsNoTracking().Where(s => s.Id == showId).Select(ShowProjections.Listed).FirstAsync(cancellationToken)).ToResponse();

    private static ProblemHttpResult Overlap() =>
        ApiProblems.Conflict("Screen is busy", "Another show on this screen overlaps this time.");
}
