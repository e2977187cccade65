using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Pricing;

/// <summary>Tiers from the earliest cancellation to the latest; <c>before</c> is <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>) ahead of the show.</summary>
public sealed record CancellationPolicyRequest([property: Required, MinLength(1), MaxLength(10)] List<CancellationTierRequest>? Tiers);

public sealed record CancellationTierRequest([property: Required] TimeSpan? Before, [property: Required, Range(typeof(decimal), "0", "100")] decimal? FeePercent);

/// <summary>A theatre's cancellation policy; <c>own</c> is false while it follows the service's default.</summary>
public sealed record CancellationPolicyResponse(Guid TheatreId, bool Own, IReadOnlyList<CancellationTierResponse> Tiers);

public static class CancellationPolicyApi
{
    public static IEndpointRouteBuilder MapCancellationPolicyApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/theatres/{theatreId:guid}/cancellation-policy").WithTags("Theatres");
        api.MapGet("/", GetCancellationPolicyAsync)
            .WithSummary("The theatre's cancellation policy: what a customer's cancellation costs by how long before the show it comes.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/", SetCancellationPolicyAsync).RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Gives the theatre its own cancellation policy (its owner, or Admin); bookings already cancelled keep their refund.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/", ResetCancellationPolicyAsync).RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Returns the theatre to the service's default cancellation policy.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<CancellationPolicyResponse>, ProblemHttpResult>> GetCancellationPolicyAsync(
        Guid theatreId, MovieBookingDb db, IOptions<CancellationOptions> options, CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.AsNoTracking().Where(t => t.Id == theatreId).Select(t => new { t.CancellationPolicy }).FirstOrDefaultAsync(cancellationToken);
        return theatre is null ? ApiProblems.NotFound("Theatre", theatreId) : TypedResults.Ok(Response(theatreId, theatre.CancellationPolicy, options.Value));
    }

    private static async Task<Results<Ok<CancellationPolicyResponse>, ValidationProblem, ProblemHttpResult>> SetCancellationPolicyAsync(
        Guid theatreId, CancellationPolicyRequest request, MovieBookingDb db, CurrentUser user, IOptions<CancellationOptions> options,
        CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.FirstOrDefaultAsync(t => t.Id == theatreId, cancellationToken);
        if (theatre is null)
        {
            return ApiProblems.NotFound("Theatre", theatreId);
        }

        if (!user.CanManageTheatreOf(theatre.OwnerId))
        {
            return TheatresApi.NotYours();
        }

        var tiers = request.Tiers!.Select(t => new CancellationTier(t.Before!.Value, t.FeePercent!.Value)).ToList();
        if (CancellationPolicy.Problems(tiers) is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["tiers"] = [.. problems] });
        }

        theatre.CancellationPolicy = new CancellationPolicy(tiers);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Response(theatreId, theatre.CancellationPolicy, options.Value));
    }

    private static async Task<Results<Ok<CancellationPolicyResponse>, ProblemHttpResult>> ResetCancellationPolicyAsync(
        Guid theatreId, MovieBookingDb db, CurrentUser user, IOptions<CancellationOptions> options, CancellationToken cancellationToken)
    {
        var theatre = await db.Theatres.FirstOrDefaultAsync(t => t.Id == theatreId, cancellationToken);
        if (theatre is null)
        {
            return ApiProblems.NotFound("Theatre", theatreId);
        }

        if (!user.CanManageTheatreOf(theatre.OwnerId))
        {
            return TheatresApi.NotYours();
        }

        theatre.CancellationPolicy = null;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Response(theatreId, null, options.Value));
    }

    private static CancellationPolicyResponse Response(Guid theatreId, CancellationPolicy? own, CancellationOptions options) =>
        new(theatreId, own is not null, [.. (own ?? options.Policy).Tiers.Select(t => CancellationTierResponse.From(t)!)]);
}
