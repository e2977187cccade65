using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Seating;

public sealed record HoldSeatsRequest([property: Required, MinLength(1), MaxLength(10)] List<string> SeatIds);

/// <summary>A hold; <c>expiresAt</c> in the show's city time, like every time about the show.</summary>
public sealed record HoldResponse(Guid HoldId, Guid ShowId, IReadOnlyList<string> SeatIds, DateTimeOffset ExpiresAt)
{
    public static HoldResponse From(Hold hold, ShowFacts? show) =>
        new(hold.HoldId, hold.ShowId, hold.SeatIds, show?.Local(hold.ExpiresAt) ?? hold.ExpiresAt);
}

public static partial class HoldsApi
{
    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/shows/{showId:guid}/holds", HoldSeatsAsync).WithTags("Holds")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.Holds)
            .Idempotent()
            .WithSummary("Holds 1–10 seats of a show for the caller, all or none, until expiresAt. 409 lists the seats that were not free.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var holds = routes.MapGroup("/api/holds").WithTags("Holds").RequireAuthorization();
        holds.MapGet("/", ListHoldsAsync).WithSummary("The caller's live holds that no booking was made from yet, soonest to lapse first.");
        holds.MapGet("/{holdId:guid}", GetHoldAsync).WithSummary("The caller's live hold.").ProducesProblem(StatusCodes.Status404NotFound);
        holds.MapDelete("/{holdId:guid}", ReleaseHoldAsync)
            .WithSummary("Releases the caller's hold; its seats are free at once.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>> HoldSeatsAsync(
        Guid showId,
        HoldSeatsRequest request,
        CurrentUser user,
        IHoldStore store,
        ShowFactsCache shows,
        IOptions<BookingOptions> options,
        SeatChangeFeed changes,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (SeatIdErrors(request.SeatIds) is { } invalid)
        {
            return invalid;
        }

        var show = await shows.GetAsync(showId, cancellationToken);
        if (show is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var unknown = request.SeatIds.Where(id => !show.Seats.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return ApiProblems.Invalid("seatIds", $"The show has no seats {string.Join(", ", unknown)}.");
        }

        var blocked = request.SeatIds.Where(id => show.Seats[id].Blocked).ToList();
        if (blocked.Count > 0)
        {
            return ApiProblems.Invalid("seatIds", $"Seats {string.Join(", ", blocked)} are blocked and never sold.");
        }

        var now = time.GetUtcNow();
        if (!show.IsBookableAt(now))
        {
            return NotBookable();
        }

        // Whole milliseconds: every store keeps the expiry exactly as the answer states it.
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((now + options.Value.HoldTtl).ToUnixTimeMilliseconds());
        var hold = new Hold(Guid.CreateVersion7(), showId, user.Id, request.SeatIds, expiresAt);
        var outcome = await store.HoldAsync(new HoldRequest(hold, now, options.Value.MaxSeatsPerUser), cancellationToken);
        if (outcome is HoldOutcome.Granted)
        {
            changes.SeatsChanged(showId, announced: store.AnnouncesHoldsAndReleases);
        }

        return outcome switch
        {
            HoldOutcome.Granted granted => TypedResults.Created($"/api/holds/{hold.HoldId}", HoldResponse.From(granted.Hold, show)),
            HoldOutcome.Unavailable unavailable => SeatsUnavailable(unavailable.SeatIds),
            HoldOutcome.OverLimit over => ApiProblems.Conflict("Too many seats",
                $"You already hold {over.AlreadyHeld} seats of this show; at most {options.Value.MaxSeatsPerUser} at a time."),
            _ => NotBookable(),
        };
    }

    private static async Task<Ok<List<HoldResponse>>> ListHoldsAsync(
        CurrentUser user, IHoldStore store, ShowFactsCache shows, MovieBookingDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var live = await store.LiveHoldsOfAsync(user.Id, time.GetUtcNow(), cancellationToken);
        var holdIds = live.Select(h => h.HoldId).ToList();
        var booked = holdIds.Count == 0
            ? []
            : await db.Bookings.AsNoTracking().Where(b => holdIds.Contains(b.HoldId)).Select(b => b.HoldId).ToListAsync(cancellationToken);
        var answers = new List<HoldResponse>();
        foreach (var hold in live.Where(h => !booked.Contains(h.HoldId)))
        {
            answers.Add(HoldResponse.From(hold, await shows.GetAsync(hold.ShowId, cancellationToken)));
        }

        return TypedResults.Ok(answers);
    }

    private static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> GetHoldAsync(
        Guid holdId, CurrentUser user, IHoldStore store, ShowFactsCache shows, TimeProvider time, CancellationToken cancellationToken)
    {
        var hold = await FindOwnLiveHoldAsync(holdId, user, store, time, cancellationToken);
        return hold is null
            ? ApiProblems.NotFound("Hold", holdId)
            : TypedResults.Ok(HoldResponse.From(hold, await shows.GetAsync(hold.ShowId, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseHoldAsync(
        Guid holdId, CurrentUser user, IHoldStore store, SeatChangeFeed changes, TimeProvider time, CancellationToken cancellationToken)
    {
        switch (await store.ReleaseOwnAsync(holdId, user.Id, time.GetUtcNow(), cancellationToken))
        {
            case HoldRelease.Released released:
                changes.SeatsChanged(released.ShowId, announced: store.AnnouncesHoldsAndReleases);
                return TypedResults.NoContent();
            case HoldRelease.Booked:
                return ApiProblems.Conflict("Hold is booked", "The hold belongs to a booking; cancel the booking instead.");
            default:
                return ApiProblems.NotFound("Hold", holdId);
        }
    }

    /// <summary>The caller's live hold; someone else's or a lapsed one is not found.</summary>
    private static async Task<Hold?> FindOwnLiveHoldAsync(
        Guid holdId, CurrentUser user, IHoldStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var hold = await store.FindAsync(holdId, cancellationToken);
        return hold is not null && hold.UserId == user.Id && hold.IsLiveAt(time.GetUtcNow()) ? hold : null;
    }

    private static ValidationProblem? SeatIdErrors(List<string> seatIds)
    {
        var malformed = seatIds.Where(id => id is null || !SeatId().IsMatch(id)).ToList();
        if (malformed.Count > 0)
        {
            return ApiProblems.Invalid("seatIds", "A seat id is its row and number, e.g. C7.");
        }

        var duplicates = seatIds.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return duplicates.Count > 0 ? ApiProblems.Invalid("seatIds", $"Seats {string.Join(", ", duplicates)} appear more than once.") : null;
    }

    private static ProblemHttpResult SeatsUnavailable(IReadOnlyList<string> seats) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Seats not available",
            detail: $"Seats {string.Join(", ", seats)} are held or sold. Nothing was held.",
            extensions: new Dictionary<string, object?> { ["unavailableSeats"] = seats });

    private static ProblemHttpResult NotBookable() =>
        ApiProblems.Conflict("Show not bookable", "The show has started or was cancelled.");

    [GeneratedRegex("^[A-Z]{1,2}[0-9]{1,3}$")]
    private static partial Regex SeatId();
}
