using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Catalog;

public static class ShowsApi
{
    public static RouteGroupBuilder MapShowsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/shows").WithTags("Shows");
        api.MapGet("/{showId:guid}", GetShowAsync)
            .WithSummary("A show with its movie, theatre, screen and prices.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<ShowResponse>, ProblemHttpResult>> GetShowAsync(
        Guid showId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        var show = await db.Shows.AsNoTracking()
            .Where(s => s.Id == showId)
            .Select(ShowProjections.Listed)
            .FirstOrDefaultAsync(cancellationToken);
        return show is null ? ApiProblems.NotFound("Show", showId) : TypedResults.Ok(show.ToResponse());
    }
}

public static class CatalogExtensions
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapCitiesApi();
        routes.MapMoviesApi();
        routes.MapTheatresApi();
        routes.MapShowsApi();
        routes.MapShowManagementApi();
        routes.MapStaffApi();
        routes.MapScreensApi();
        routes.MapPricePlansApi();
        routes.MapCancellationPolicyApi();
        return routes;
    }
}
