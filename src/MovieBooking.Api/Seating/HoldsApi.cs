using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Seating;

/// <summary>Either the seats to hold, or how many of the best free seats (of a category, when given).</summary>
public sealed record HoldSeatsRequest(
    [property: MinLength(1), MaxLength(10), Description("The seats to hold, e.g. [\"C7\", \"C8\"]; or leave out and give count.")] List<string>? SeatIds = null,
    [property: Range(1, 10), Description("How many of the best free seats to hold, side by side where possible.")] int? Count = null,
    [property: Description("With count: only seats of this category.")] SeatCategory? Category = null);

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
            .WithSummary("Holds 1–10 seats of a show for the caller, all or none, until expiresAt: the seats named, or the best free ones. "
                + "409 lists the seats that were not free, or (type seat-gap) the seat a selection would leave alone and a selection that would not.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        routes.MapGet("/api/shows/{showId:guid}/best-seats", PreviewBestSeatsAsync).WithTags("Holds")
            .WithSummary("The best free seats for a party of count (of a category, when given) as a hold would choose them now; nothing is held. 409 when none fit.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/shows/{showId:guid}/seat-check", CheckSeatsAsync).WithTags("Holds")
            .WithSummary("Whether holding these seats now would leave a single seat alone under the theatre's gap rule, and the nearest selection that would not; nothing is held.")
            .ProducesProblem(StatusCodes.Status404NotFound);

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
        SeatSelection selection,
        ShowFactsCache shows,
        IOptions<BookingOptions> options,
        SeatChangeFeed changes,
        ServiceMetrics metrics,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (WishErrors(request) is { } invalid)
        {
            return invalid;
        }

        var show = await shows.GetAsync(showId, cancellationToken);
        if (show is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        SeatWish wish = request.SeatIds is { } seatIds ? new SeatWish.Seats(seatIds) : new SeatWish.Best(request.Count!.Value, request.Category);
        if (request.SeatIds is { } named && NotForSale(show, named) is { } notForSale)
        {
            return notForSale;
        }

        var now = time.GetUtcNow();
        if (!show.IsBookableAt(now))
        {
            metrics.HoldAnswered(new HoldOutcome.ShowNotBookable());
            return NotBookable();
        }

        // Whole milliseconds: every store keeps the expiry exactly as the answer states it.
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((now + options.Value.HoldTtl).ToUnixTimeMilliseconds());
        var hold = new Hold(Guid.CreateVersion7(), showId, user.Id, [], expiresAt);
        var outcome = await selection.HoldAsync(store, show, wish, new HoldRequest(hold, now, options.Value.MaxSeatsPerUser), cancellationToken);
        metrics.HoldAnswered(outcome);
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
            HoldOutcome.Stranding stranding => SeatGap(stranding),
            HoldOutcome.NoneFit none => ApiProblems.Conflict("No seats fit", $"{none.Reason} Nothing was held."),
            HoldOutcome.Contended => ApiProblems.Conflict("Seats changed", "The seats changed while they were being chosen; try again. Nothing was held."),
            _ => NotBookable(),
        };
    }

    /// <summary>A party's size and, optionally, the category its seats must be.</summary>
    public sealed record PartyQuery
    {
        [Required, Range(1, 10), Description("How many seats, side by side where possible.")]
        public int? Count { get; init; }

        [Description("Only seats of this category.")]
        public SeatCategory? Category { get; init; }
    }

    /// <summary>The seats chosen, as the hold would take them.</summary>
    public sealed record BestSeatsResponse(IReadOnlyList<string> SeatIds);

    private static async Task<Results<Ok<BestSeatsResponse>, ValidationProblem, ProblemHttpResult>> PreviewBestSeatsAsync(
        Guid showId, [AsParameters] PartyQuery party, IHoldStore store, ShowFactsCache shows, TimeProvider time, CancellationToken cancellationToken)
    {
        var show = await shows.GetAsync(showId, cancellationToken);
        if (show is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var (seats, refusal) = await SeatSelection.PreviewAsync(store, show, new SeatWish.Best(party.Count!.Value, party.Category), time.GetUtcNow(), cancellationToken);
        return refusal is HoldOutcome.NoneFit none
            ? ApiProblems.Conflict("No seats fit", none.Reason)
            : TypedResults.Ok(new BestSeatsResponse(seats!));
    }

    /// <summary>The seats a selection would be made of.</summary>
    public sealed record SelectionQuery
    {
        [Required, MinLength(1), MaxLength(10), Description("The seats, one seatIds parameter each: ?seatIds=C7&seatIds=C8.")]
        public string[]? SeatIds { get; init; }
    }

    /// <summary>
    /// A selection under the gap rule: <c>strandedSeat</c> is the seat it would leave alone (null when none), with the
    /// nearest selection of the same size that would not; <c>unavailableSeats</c> are seats already taken.
    /// </summary>
    public sealed record SeatCheckResponse(GapRule GapRule, string? StrandedSeat, IReadOnlyList<string> SuggestedSeats, IReadOnlyList<string> UnavailableSeats);

    private static async Task<Results<Ok<SeatCheckResponse>, ValidationProblem, ProblemHttpResult>> CheckSeatsAsync(
        Guid showId, [AsParameters] SelectionQuery selection, IHoldStore store, ShowFactsCache shows, TimeProvider time, CancellationToken cancellationToken)
    {
        var seatIds = selection.SeatIds!.ToList();
        if (SeatIdErrors(seatIds) is { } invalid)
        {
            return invalid;
        }

        var show = await shows.GetAsync(showId, cancellationToken);
        if (show is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        if (NotForSale(show, seatIds) is { } notForSale)
        {
            return notForSale;
        }

        var (_, refusal) = await SeatSelection.PreviewAsync(store, show, new SeatWish.Seats(seatIds), time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(refusal switch
        {
            HoldOutcome.Stranding stranding => new SeatCheckResponse(show.GapRule, stranding.Seat, stranding.Suggestion, []),
            HoldOutcome.Unavailable unavailable => new SeatCheckResponse(show.GapRule, null, [], unavailable.SeatIds),
            _ => new SeatCheckResponse(show.GapRule, null, [], []),
        });
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

    private static ValidationProblem? WishErrors(HoldSeatsRequest request)
    {
        return (request.SeatIds, request.Count) switch
        {
            (null, null) => ApiProblems.Invalid("seatIds", "Name the seats to hold (seatIds), or how many of the best free seats (count)."),
            ({ }, { }) => ApiProblems.Invalid("count", "Give seatIds or count, not both."),
            ({ } seatIds, null) when request.Category is not null => ApiProblems.Invalid("category", "A category goes with count; named seats have their own."),
            ({ } seatIds, null) => SeatIdErrors(seatIds),
            _ => null,
        };
    }

    /// <summary>A 400 naming the seats the show does not have, or those it never sells.</summary>
    private static ValidationProblem? NotForSale(ShowFacts show, IReadOnlyList<string> seatIds)
    {
        var unknown = seatIds.Where(id => !show.Seats.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return ApiProblems.Invalid("seatIds", $"The show has no seats {string.Join(", ", unknown)}.");
        }

        var blocked = seatIds.Where(id => show.Seats[id].Blocked).ToList();
        return blocked.Count > 0 ? ApiProblems.Invalid("seatIds", $"Seats {string.Join(", ", blocked)} are blocked and never sold.") : null;
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

    /// <summary>409 of type seat-gap: the seat the selection would strand, and the nearest selection that strands none.</summary>
    private static ProblemHttpResult SeatGap(HoldOutcome.Stranding stranding) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            type: ApiProblems.TypeOf("seat-gap"),
            title: "Seat left alone",
            detail: $"This selection would leave seat {stranding.Seat} alone between taken seats or beside an aisle, where nobody buys it. "
                + $"Seats {string.Join(", ", stranding.Suggestion)} leave no seat alone. Nothing was held.",
            extensions: new Dictionary<string, object?> { ["strandedSeat"] = stranding.Seat, ["suggestedSeats"] = stranding.Suggestion });

    private static ProblemHttpResult NotBookable() =>
        ApiProblems.Conflict("Show not bookable", "The show has started or was cancelled.");

    [GeneratedRegex("^[A-Z]{1,2}[0-9]{1,3}$")]
    private static partial Regex SeatId();
}
