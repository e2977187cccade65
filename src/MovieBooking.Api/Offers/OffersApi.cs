using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Offers;

/// <summary>Where a code applies; an empty or absent list does not narrow it.</summary>
public sealed record OfferScopeRequest(
    [property: MaxLength(100)] List<Guid>? TheatreIds,
    [property: MaxLength(100)] List<Guid>? MovieIds,
    [property: MaxLength(100)] List<Guid>? ShowIds,
    [property: MaxLength(3)] List<SeatCategory>? Categories);

/// <summary>
/// An offer code's terms. <c>discount</c> is <c>PERCENT</c> (with <c>percent</c>, and an optional <c>cap</c>),
/// <c>AMOUNT</c> (with <c>amount</c> off) or <c>FIXED_PRICE</c> (with <c>amount</c> per ticket). Amounts in minor units.
/// </summary>
public sealed record OfferRequest(
    [property: Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9-]{2,19}$", ErrorMessage = "A code is 3 to 20 letters, digits or hyphens, starting with a letter or digit.")] string Code,
    [property: StringLength(200)] string? Description,
    [property: Required] OfferDiscount? Discount,
    [property: Range(typeof(decimal), "0.01", "100")] decimal? Percent,
    [property: Range(1, 10_000_000)] long? Cap,
    [property: Range(0, 10_000_000)] long? Amount,
    [property: Range(1, 10)] int? MinTickets,
    [property: Required] DateTimeOffset? ValidFrom,
    [property: Required] DateTimeOffset? ValidUntil,
    OfferScopeRequest? Scope,
    [property: Range(1, 10_000_000)] int? TotalLimit,
    [property: Range(1, 1_000)] int? PerUserLimit,
    bool Paused = false) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        switch (Discount)
        {
            case OfferDiscount.Percent when Percent is null:
                yield return new ValidationResult("A percentage offer needs its percent.", [nameof(Percent)]);
                break;
            case OfferDiscount.Percent when Amount is not null:
                yield return new ValidationResult("A percentage offer has no amount; its cap limits it.", [nameof(Amount)]);
                break;
            case OfferDiscount.Amount or OfferDiscount.FixedPrice when Amount is null:
                yield return new ValidationResult("This offer needs its amount.", [nameof(Amount)]);
                break;
            case OfferDiscount.Amount when Amount == 0:
                yield return new ValidationResult("An amount off is more than 0.", [nameof(Amount)]);
                break;
            case OfferDiscount.Amount or OfferDiscount.FixedPrice when Percent is not null || Cap is not null:
                yield return new ValidationResult("Only a percentage offer has a percent and a cap.", [Percent is not null ? nameof(Percent) : nameof(Cap)]);
                break;
        }

        if (ValidUntil <= ValidFrom)
        {
            yield return new ValidationResult("An offer ends after it starts.", [nameof(ValidUntil)]);
        }
    }
}

public sealed record OfferResponse(
    Guid Id, string Code, string? Description, Guid? OwnerId, OfferDiscount Discount, decimal? Percent, long? Cap, long? Amount, int MinTickets,
    DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, OfferScope Scope, int? TotalLimit, int? PerUserLimit, bool Paused, int Redemptions);

public sealed record ApplyOfferRequest([property: Required, StringLength(20, MinimumLength = 1)] string Code);

public static class OffersApi
{
    public static IEndpointRouteBuilder MapOffersApi(this IEndpointRouteBuilder routes)
    {
        var manage = routes.MapGroup("/api/offers").WithTags("Offers").RequireAuthorization(Policies.TheatreManager);
        manage.MapPost("/", CreateOfferAsync)
            .WithSummary("Creates an offer code: an admin's is platform-wide, a theatre owner's is for their own theatres only.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapGet("/", ListOffersAsync).WithSummary("The caller's offer codes (an admin's: every code) with their redemptions so far, newest first.");
        manage.MapGet("/{offerId:guid}", GetOfferAsync).WithSummary("One of the caller's offer codes with its redemptions so far.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        manage.MapPut("/{offerId:guid}", UpdateOfferAsync)
            .WithSummary("Changes an offer's terms, or pauses and resumes it (paused). Its code cannot change; redemptions already made stand.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var bookings = routes.MapGroup("/api/bookings/{bookingId:guid}/offer").WithTags("Offers").RequireAuthorization();
        bookings.MapPost("/", ApplyOfferAsync)
            .WithSummary("Applies an offer code to the caller's booking awaiting payment (replacing any other); the price shows the discount. 422 says why a code does not apply.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        bookings.MapDelete("/", RemoveOfferAsync)
            .WithSummary("Removes the offer code from the caller's booking awaiting payment; its redemption is given back.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Created<OfferResponse>, ValidationProblem, ProblemHttpResult>> CreateOfferAsync(
        OfferRequest request, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var ownerId = user.IsAdmin ? (Guid?)null : user.Id;
        var scope = ScopeOf(request);
        if (await ScopeErrorsAsync(db, scope, ownerId, cancellationToken) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var offer = new Offer { Code = request.Code.ToUpperInvariant(), OwnerId = ownerId, CreatedAt = now };
        Apply(offer, request, scope, now);
        db.Offers.Add(offer);
        if (await db.Offers.AnyAsync(o => o.Code == offer.Code, cancellationToken))
        {
            return CodeTaken(offer.Code);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique code: a concurrent request took it first.
            db.ChangeTracker.Clear();
            if (await db.Offers.AnyAsync(o => o.Code == offer.Code, cancellationToken))
            {
                return CodeTaken(offer.Code);
            }

            throw;
        }

        return TypedResults.Created($"/api/offers/{offer.Id}", Response(offer, 0));
    }

    private static async Task<Ok<PagedList<OfferResponse>>> ListOffersAsync(
        [AsParameters] PageRequest page, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var offers = db.Offers.AsNoTracking().Where(o => user.IsAdmin || o.OwnerId == user.Id).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id);
        var listed = await offers.ToPageAsync(page, cancellationToken);
        var ids = listed.Items.Select(o => o.Id).ToList();
        var counts = await OfferService.Counted(db.Bookings.Where(b => b.OfferId != null && ids.Contains(b.OfferId.Value)), now)
            .GroupBy(b => b.OfferId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return TypedResults.Ok(new PagedList<OfferResponse>(
            [.. listed.Items.Select(o => Response(o, counts.GetValueOrDefault(o.Id)))], listed.Page, listed.PageSize, listed.Total));
    }

    private static async Task<Results<Ok<OfferResponse>, ProblemHttpResult>> GetOfferAsync(
        Guid offerId, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var offer = await db.Offers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == offerId && (user.IsAdmin || o.OwnerId == user.Id), cancellationToken);
        return offer is null
            ? ApiProblems.NotFound("Offer", offerId)
            : TypedResults.Ok(Response(offer, await RedemptionsAsync(db, offerId, time.GetUtcNow(), cancellationToken)));
    }

    private static async Task<Results<Ok<OfferResponse>, ValidationProblem, ProblemHttpResult>> UpdateOfferAsync(
        Guid offerId, OfferRequest request, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var offer = await db.Offers.FirstOrDefaultAsync(o => o.Id == offerId && (user.IsAdmin || o.OwnerId == user.Id), cancellationToken);
        if (offer is null)
        {
            return ApiProblems.NotFound("Offer", offerId);
        }

        if (!string.Equals(offer.Code, request.Code, StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Invalid("code", "A code cannot change; create a new offer for a new code.");
        }

        var scope = ScopeOf(request);
        if (await ScopeErrorsAsync(db, scope, offer.OwnerId, cancellationToken) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        Apply(offer, request, scope, now);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Response(offer, await RedemptionsAsync(db, offerId, now, cancellationToken)));
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> ApplyOfferAsync(
        Guid bookingId, ApplyOfferRequest request, CurrentUser user, OfferService offers, ShowFactsCache shows, CancellationToken cancellationToken) =>
        await AnswerAsync(bookingId, await offers.ApplyAsync(user.Id, bookingId, request.Code, cancellationToken), shows, cancellationToken);

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> RemoveOfferAsync(
        Guid bookingId, CurrentUser user, OfferService offers, ShowFactsCache shows, CancellationToken cancellationToken) =>
        await AnswerAsync(bookingId, await offers.RemoveAsync(user.Id, bookingId, cancellationToken), shows, cancellationToken);

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> AnswerAsync(
        Guid bookingId, OfferOutcome outcome, ShowFactsCache shows, CancellationToken cancellationToken) => outcome switch
        {
            OfferOutcome.Done done => TypedResults.Ok(BookingResponse.From(done.Booking, await shows.GetAsync(done.Booking.ShowId, cancellationToken))),
            OfferOutcome.Refused refused => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Offer does not apply", detail: refused.Reason),
            OfferOutcome.Conflict conflict => ApiProblems.Conflict("Booking cannot change", conflict.Detail),
            _ => ApiProblems.NotFound("Booking", bookingId),
        };

    private static ProblemHttpResult CodeTaken(string code) =>
        ApiProblems.Conflict("Code taken", $"An offer with the code {code} exists; choose another code.");

    private static OfferScope ScopeOf(OfferRequest request) => new(
        [.. (request.Scope?.TheatreIds ?? []).Distinct()], [.. (request.Scope?.MovieIds ?? []).Distinct()],
        [.. (request.Scope?.ShowIds ?? []).Distinct()], [.. (request.Scope?.Categories ?? []).Distinct()]);

    /// <summary>Every id in the scope exists, and an owner's code names only that owner's theatres and shows.</summary>
    private static async Task<Dictionary<string, string[]>> ScopeErrorsAsync(MovieBookingDb db, OfferScope scope, Guid? ownerId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var theatres = await db.Theatres.Where(t => scope.TheatreIds.Contains(t.Id)).Select(t => new { t.Id, t.OwnerId }).ToListAsync(cancellationToken);
        var problems = scope.TheatreIds.Where(id => theatres.All(t => t.Id != id)).Select(id => $"No theatre has the id {id}.")
            .Concat(theatres.Where(t => ownerId is { } owner && t.OwnerId != owner).Select(t => $"The theatre {t.Id} is not yours."))
            .ToList();
        if (problems.Count > 0)
        {
            errors["scope.theatreIds"] = [.. problems];
        }

        var movies = await db.Movies.Where(m => scope.MovieIds.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken);
        if (scope.MovieIds.Except(movies).ToList() is { Count: > 0 } unknownMovies)
        {
            errors["scope.movieIds"] = [.. unknownMovies.Select(id => $"No movie has the id {id}.")];
        }

        var shows = await db.Shows.Where(s => scope.ShowIds.Contains(s.Id)).Select(s => new { s.Id, s.Screen!.Theatre!.OwnerId }).ToListAsync(cancellationToken);
        problems = [.. scope.ShowIds.Where(id => shows.All(s => s.Id != id)).Select(id => $"No show has the id {id}."),
            .. shows.Where(s => ownerId is { } owner && s.OwnerId != owner).Select(s => $"The show {s.Id} is not at your theatres.")];
        if (problems.Count > 0)
        {
            errors["scope.showIds"] = [.. problems];
        }

        return errors;
    }

    private static void Apply(Offer offer, OfferRequest request, OfferScope scope, DateTimeOffset now)
    {
        offer.Description = request.Description?.Trim();
        offer.Discount = request.Discount!.Value;
        offer.Percent = request.Percent;
        offer.Cap = request.Cap;
        offer.Amount = request.Amount;
        offer.MinTickets = request.MinTickets ?? 1;
        offer.ValidFrom = request.ValidFrom!.Value.ToUniversalTime();
        offer.ValidUntil = request.ValidUntil!.Value.ToUniversalTime();
        offer.Scope = scope;
        offer.TotalLimit = request.TotalLimit;
        offer.PerUserLimit = request.PerUserLimit;
        offer.Paused = request.Paused;
        offer.UpdatedAt = now;
    }

    private static Task<int> RedemptionsAsync(MovieBookingDb db, Guid offerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        OfferService.Counted(db.Bookings.Where(b => b.OfferId == offerId), now).CountAsync(cancellationToken);

    private static OfferResponse Response(Offer o, int redemptions) => new(
        o.Id, o.Code, o.Description, o.OwnerId, o.Discount, o.Percent, o.Cap, o.Amount, o.MinTickets, o.ValidFrom, o.ValidUntil, o.Scope,
        o.TotalLimit, o.PerUserLimit, o.Paused, redemptions);
}
