using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Pricing;

public sealed record PricePlanRequest(
    [property: Required, MaxLength(3)] List<CategoryPrice>? Prices,
    [property: MaxLength(PricePlanRules.MaxBands)] List<PriceBandRequest>? Bands);

/// <summary>A band: its days (<c>MONDAY</c> … <c>SUNDAY</c>) and its time of day, <c>from</c> (default 00:00) until <c>until</c> (default 24:00).</summary>
public sealed record PriceBandRequest(
    [property: Required, StringLength(40, MinimumLength = 1)] string Name,
    [property: Required, MinLength(1), MaxLength(7)] List<DayOfWeek>? Days,
    [property: RegularExpression("^([01][0-9]|2[0-3]):[0-5][0-9]$", ErrorMessage = "A time is HH:mm, from 00:00 to 23:59.")] string? From,
    [property: RegularExpression("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", ErrorMessage = "A time is HH:mm, from 00:01 to 24:00.")] string? Until,
    [property: Required, MaxLength(3)] List<CategoryPrice>? Prices);

public sealed record PriceBandResponse(string Name, IReadOnlyList<DayOfWeek> Days, string From, string Until, IReadOnlyList<CategoryPrice> Prices);

public sealed record PricePlanResponse(Guid ScreenId, IReadOnlyList<CategoryPrice> Prices, IReadOnlyList<PriceBandResponse> Bands, DateTimeOffset UpdatedAt)
{
    public static PricePlanResponse From(PricePlan plan) => new(
        plan.ScreenId,
        plan.Rules.Prices,
        [.. plan.Rules.Bands.Select(b => new PriceBandResponse(b.Name, b.Days, PriceBand.Clock(b.From), PriceBand.Clock(b.Until), b.Prices))],
        plan.UpdatedAt);
}

/// <summary>What a show starting at a time would cost by the plan: the band it falls in (none: the standard prices).</summary>
public sealed record PlanPricesResponse(DateTimeOffset StartsAt, string? Band, IReadOnlyList<CategoryPrice> Prices);

/// <summary>The rules a price plan obeys, independent of storage.</summary>
public static class PricePlanRules
{
    public const int MaxBands = 20;

    /// <summary>The plan the request describes, or the errors keyed by field.</summary>
    public static (PriceRules? Rules, Dictionary<string, string[]> Errors) Read(PricePlanRequest request, IReadOnlySet<SeatCategory> screenCategories)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        Check("prices", request.Prices!, screenCategories, errors);
        var bands = new List<PriceBand>();
        var requested = request.Bands ?? [];
        for (var i = 0; i < requested.Count; i++)
        {
            var band = requested[i];
            var key = $"bands[{i}]";
            Check($"{key}.prices", band.Prices!, screenCategories, errors);
            if (band.Days!.Distinct().Count() != band.Days!.Count)
            {
                errors[$"{key}.days"] = ["A day is named once."];
            }

            var from = band.From is null ? TimeOnly.MinValue : TimeOnly.ParseExact(band.From, "HH:mm", CultureInfo.InvariantCulture);
            TimeOnly? until = band.Until is null or "24:00" ? null : TimeOnly.ParseExact(band.Until, "HH:mm", CultureInfo.InvariantCulture);
            if (until is { } end && end <= from)
            {
                errors[$"{key}.until"] = [$"The band ends after it starts ({PriceBand.Clock(from)})."];
            }

            if (requested.Take(i).Any(b => string.Equals(b.Name.Trim(), band.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors[$"{key}.name"] = [$"Another band is named {band.Name.Trim()}."];
            }

            // Monday first, as calendars in India print the week.
            bands.Add(new PriceBand(band.Name.Trim(), [.. band.Days!.Distinct().OrderBy(d => ((int)d + 6) % 7)], from, until, band.Prices!));
        }

        for (var i = 0; i < bands.Count; i++)
        {
            if (errors.ContainsKey($"bands[{i}].until"))
            {
                continue;
            }

            var earlier = bands.Take(i).Where((_, j) => !errors.ContainsKey($"bands[{j}].until"));
            foreach (var other in earlier)
            {
                if (bands[i].Overlaps(other, out var day))
                {
                    errors[$"bands[{i}]"] = [$"It overlaps {other.Name} on {day} between {PriceBand.Clock(Later(bands[i].From, other.From))} and {PriceBand.Clock(Earlier(bands[i].Until, other.Until))}; a show falls in one band at most."];
                    break;
                }
            }
        }

        return errors.Count > 0 ? (null, errors) : (new PriceRules(request.Prices!, bands), errors);
    }

    private static TimeOnly Later(TimeOnly a, TimeOnly b) => a > b ? a : b;

    private static TimeOnly? Earlier(TimeOnly? a, TimeOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static void Check(string key, IReadOnlyList<CategoryPrice> prices, IReadOnlySet<SeatCategory> screenCategories, Dictionary<string, string[]> errors)
    {
        // A plan's prices are positive: a free seat is a choice made per show, not a standing rule.
        if (ShowRules.PriceProblems(prices, screenCategories, lowest: 1) is { Count: > 0 } problems)
        {
            errors[key] = [.. problems];
        }
    }
}

/// <summary>A screen's price plan, kept by its theatre's owner or an admin.</summary>
public static class PricePlansApi
{
    public static IEndpointRouteBuilder MapPricePlansApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/screens/{screenId:guid}/price-plan").WithTags("Price plans").RequireAuthorization(Policies.TheatreManager);
        api.MapGet("/", GetPricePlanAsync)
            .WithSummary("The screen's price plan: standard prices per seat category and the bands (days and times of day) priced differently.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/", SetPricePlanAsync)
            .WithSummary("Sets the screen's price plan. Shows scheduled without prices take them from it; shows already scheduled keep theirs.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/", DeletePricePlanAsync)
            .WithSummary("Removes the screen's price plan; shows are then scheduled with explicit prices.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/prices", GetPlanPricesAsync)
            .WithSummary("The prices a show starting at startsAt would take from the plan, and the band that gives them.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<PricePlanResponse>, ProblemHttpResult>> GetPricePlanAsync(
        Guid screenId, MovieBookingDb db, CurrentUser user, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(db, user, screenId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var plan = await db.PricePlans.AsNoTracking().FirstOrDefaultAsync(p => p.ScreenId == screenId, cancellationToken);
        return plan is null ? NoPlan(screenId) : TypedResults.Ok(PricePlanResponse.From(plan));
    }

    private static async Task<Results<Ok<PricePlanResponse>, ValidationProblem, ProblemHttpResult>> SetPricePlanAsync(
        Guid screenId, PricePlanRequest request, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(db, user, screenId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var categories = await db.ScreenSeats.Where(s => s.ScreenId == screenId).Select(s => s.Category).Distinct().ToListAsync(cancellationToken);
        var (rules, errors) = PricePlanRules.Read(request, categories.ToHashSet());
        if (rules is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var plan = await db.PricePlans.FirstOrDefaultAsync(p => p.ScreenId == screenId, cancellationToken);
        if (plan is null)
        {
            plan = new PricePlan { ScreenId = screenId, Rules = rules };
            db.PricePlans.Add(plan);
        }

        plan.Rules = rules;
        plan.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<PricePlan>().Any(e => e.State == EntityState.Added))
        {
            // Another request created the plan meanwhile: this one replaces it.
            db.ChangeTracker.Clear();
            await db.PricePlans.Where(p => p.ScreenId == screenId).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Rules, rules).SetProperty(x => x.UpdatedAt, plan.UpdatedAt), cancellationToken);
        }

        return TypedResults.Ok(PricePlanResponse.From(plan));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePricePlanAsync(
        Guid screenId, MovieBookingDb db, CurrentUser user, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(db, user, screenId, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await db.PricePlans.Where(p => p.ScreenId == screenId).ExecuteDeleteAsync(cancellationToken) == 0
            ? NoPlan(screenId)
            : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PlanPricesResponse>, ProblemHttpResult>> GetPlanPricesAsync(
        Guid screenId, [FromQuery, Required] DateTimeOffset? startsAt, MovieBookingDb db, CurrentUser user, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(db, user, screenId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var plan = await db.PricePlans.AsNoTracking().FirstOrDefaultAsync(p => p.ScreenId == screenId, cancellationToken);
        if (plan is null)
        {
            return NoPlan(screenId);
        }

        var zone = await db.Screens.Where(s => s.Id == screenId).Select(s => s.Theatre!.City!.TimeZone).FirstAsync(cancellationToken);
        var local = CityTime.ToLocal(startsAt!.Value, zone);
        var band = plan.Rules.BandAt(local.DateTime);
        return TypedResults.Ok(new PlanPricesResponse(local, band?.Name, band?.Prices ?? plan.Rules.Prices));
    }

    /// <summary>404 for a screen that does not exist, 403 for someone else's; null when the caller may manage it.</summary>
    private static async Task<ProblemHttpResult?> RefusalAsync(MovieBookingDb db, CurrentUser user, Guid screenId, CancellationToken cancellationToken)
    {
        var ownerId = await db.Screens.Where(s => s.Id == screenId).Select(s => (Guid?)s.Theatre!.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (ownerId is null)
        {
            return ApiProblems.NotFound("Screen", screenId);
        }

        return user.CanManageTheatreOf(ownerId.Value) ? null : TheatresApi.NotYours();
    }

    private static ProblemHttpResult NoPlan(Guid screenId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Price plan not found", detail: $"The screen '{screenId}' has no price plan.");
}
