using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Food;

/// <summary>A menu item: its price (minor units, GST included) and rate (default: <c>Tax:FoodRate</c>), and its stock per show (none: unlimited).</summary>
public sealed record MenuItemRequest(
    [property: Required, StringLength(80, MinimumLength = 2)] string Name,
    [property: StringLength(300)] string? Description,
    MenuItemKind Kind,
    [property: Range(1, 10_000_000)] long Price,
    [property: Range(typeof(decimal), "0", "50")] decimal? TaxRate,
    bool Veg,
    [property: Url, StringLength(2048)] string? ImageUrl,
    [property: Range(0, 100_000)] int? StockPerShow);

public sealed record MenuItemResponse(
    Guid Id, Guid TheatreId, string Name, string? Description, MenuItemKind Kind, long Price, decimal TaxRate, bool Veg, string? ImageUrl, int? StockPerShow)
{
    public static MenuItemResponse From(MenuItem i) => new(i.Id, i.TheatreId, i.Name, i.Description, i.Kind, i.Price, i.TaxRate, i.Veg, i.ImageUrl, i.StockPerShow);
}

/// <summary>A menu item as a show offers it: <c>left</c> is how many can still be ordered for the show (none: unlimited).</summary>
public sealed record ShowMenuItem(
    Guid Id, string Name, string? Description, MenuItemKind Kind, long Price, decimal TaxRate, bool Veg, string? ImageUrl, int? Left);

public sealed record FoodOrderRequest([property: Required, MaxLength(20)] List<FoodOrderLineRequest>? Items);

public sealed record FoodOrderLineRequest([property: Required] Guid? ItemId, [property: Range(1, 50)] int Quantity);

public static class MenuApi
{
    public static IEndpointRouteBuilder MapMenuApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/theatres/{theatreId:guid}/menu", GetTheatreMenuAsync).WithTags("Food and drink")
            .WithSummary("The theatre's menu of food and drink, with prices that include GST.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/shows/{showId:guid}/menu", GetShowMenuAsync).WithTags("Food and drink")
            .WithSummary("What can be ordered with tickets for the show, with how many of each are left.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapPost("/api/theatres/{theatreId:guid}/menu", AddMenuItemAsync).WithTags("Food and drink")
            .RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Adds an item or a combo to the theatre's menu (its owner, or Admin).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        var item = routes.MapGroup("/api/menu/{itemId:guid}").WithTags("Food and drink").RequireAuthorization(Policies.TheatreManager);
        item.MapPut("/", UpdateMenuItemAsync)
            .WithSummary("Changes a menu item; orders already placed keep the price they were placed at.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        item.MapDelete("/", WithdrawMenuItemAsync)
            .WithSummary("Takes an item off the menu; orders already placed keep it.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapPut("/api/bookings/{bookingId:guid}/food", OrderFoodAsync).WithTags("Food and drink")
            .RequireAuthorization()
            .WithSummary("Sets the food and drink of the caller's booking awaiting payment (an empty list removes it); the price shows each line. 409 names what has run out.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Ok<List<MenuItemResponse>>, ProblemHttpResult>> GetTheatreMenuAsync(
        Guid theatreId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (!await db.Theatres.AnyAsync(t => t.Id == theatreId, cancellationToken))
        {
            return ApiProblems.NotFound("Theatre", theatreId);
        }

        var items = await db.MenuItems.AsNoTracking().Where(i => i.TheatreId == theatreId && !i.Withdrawn)
            .OrderBy(i => i.Kind).ThenBy(i => i.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(items.Select(MenuItemResponse.From).ToList());
    }

    private static async Task<Results<Ok<List<ShowMenuItem>>, ProblemHttpResult>> GetShowMenuAsync(
        Guid showId, [FromKeyedServices(ReadReplica.Key)] MovieBookingDb db, FoodService food, TimeProvider time, CancellationToken cancellationToken)
    {
        var theatreId = await db.Shows.Where(s => s.Id == showId).Select(s => (Guid?)s.Screen!.TheatreId).FirstOrDefaultAsync(cancellationToken);
        if (theatreId is null)
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var now = time.GetUtcNow();
        var items = await db.MenuItems.AsNoTracking().Where(i => i.TheatreId == theatreId && !i.Withdrawn)
            .OrderBy(i => i.Kind).ThenBy(i => i.Name).ToListAsync(cancellationToken);
        var menu = new List<ShowMenuItem>(items.Count);
        foreach (var i in items)
        {
            int? left = i.StockPerShow is { } stock ? Math.Max(0, stock - await food.SoldAsync(showId, i.Id, null, now, cancellationToken)) : null;
            menu.Add(new ShowMenuItem(i.Id, i.Name, i.Description, i.Kind, i.Price, i.TaxRate, i.Veg, i.ImageUrl, left));
        }

        return TypedResults.Ok(menu);
    }

    private static async Task<Results<Created<MenuItemResponse>, ProblemHttpResult>> AddMenuItemAsync(
        Guid theatreId, MenuItemRequest request, MovieBookingDb db, CurrentUser user, IOptions<TaxOptions> tax, TimeProvider time,
        CancellationToken cancellationToken)
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

        var item = new MenuItem { TheatreId = theatreId, Name = request.Name.Trim() };
        Apply(item, request, tax.Value, time.GetUtcNow());
        db.MenuItems.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/menu/{item.Id}", MenuItemResponse.From(item));
    }

    private static async Task<Results<Ok<MenuItemResponse>, ProblemHttpResult>> UpdateMenuItemAsync(
        Guid itemId, MenuItemRequest request, MovieBookingDb db, CurrentUser user, IOptions<TaxOptions> tax, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var item = await db.MenuItems.FirstOrDefaultAsync(i => i.Id == itemId && !i.Withdrawn, cancellationToken);
        if (item is null)
        {
            return ApiProblems.NotFound("Menu item", itemId);
        }

        if (await RefusalAsync(db, user, item, cancellationToken) is { } refused)
        {
            return refused;
        }

        item.Name = request.Name.Trim();
        Apply(item, request, tax.Value, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(MenuItemResponse.From(item));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> WithdrawMenuItemAsync(
        Guid itemId, MovieBookingDb db, CurrentUser user, TimeProvider time, CancellationToken cancellationToken)
    {
        var item = await db.MenuItems.FirstOrDefaultAsync(i => i.Id == itemId && !i.Withdrawn, cancellationToken);
        if (item is null)
        {
            return ApiProblems.NotFound("Menu item", itemId);
        }

        if (await RefusalAsync(db, user, item, cancellationToken) is { } refused)
        {
            return refused;
        }

        item.Withdrawn = true;
        item.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> OrderFoodAsync(
        Guid bookingId, FoodOrderRequest request, CurrentUser user, FoodService food, ShowFactsCache shows, CancellationToken cancellationToken)
    {
        var order = request.Items!.Select(l => new FoodOrderLine(l.ItemId!.Value, l.Quantity)).ToList();
        return await food.SetAsync(user.Id, bookingId, order, cancellationToken) switch
        {
            FoodOutcome.Done done => TypedResults.Ok(BookingResponse.From(done.Booking, await shows.GetAsync(done.Booking.ShowId, cancellationToken))),
            FoodOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            FoodOutcome.Conflict conflict => ApiProblems.Conflict("Booking cannot change", conflict.Detail),
            FoodOutcome.SoldOut soldOut => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not enough left",
                detail: string.Join(" ", soldOut.Items.Select(i => i.Left == 0 ? $"{i.Name} has sold out for this show." : $"Only {i.Left} of {i.Name} left for this show.")),
                extensions: new Dictionary<string, object?> { ["unavailableItems"] = soldOut.Items }),
            _ => ApiProblems.NotFound("Booking", bookingId),
        };
    }

    private static async Task<ProblemHttpResult?> RefusalAsync(MovieBookingDb db, CurrentUser user, MenuItem item, CancellationToken cancellationToken)
    {
        var ownerId = await db.Theatres.Where(t => t.Id == item.TheatreId).Select(t => t.OwnerId).FirstAsync(cancellationToken);
        return user.CanManageTheatreOf(ownerId) ? null : TheatresApi.NotYours();
    }

    private static void Apply(MenuItem item, MenuItemRequest request, TaxOptions tax, DateTimeOffset now)
    {
        item.Description = request.Description?.Trim();
        item.Kind = request.Kind;
        item.Price = request.Price;
        item.TaxRate = request.TaxRate ?? tax.FoodRate;
        item.Veg = request.Veg;
        item.ImageUrl = request.ImageUrl;
        item.StockPerShow = request.StockPerShow;
        item.UpdatedAt = now;
    }
}
