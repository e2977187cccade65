using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Bookings;

public sealed record CreateBookingRequest([property: Required] Guid? HoldId);

/// <summary>
/// A booking's price: the tickets at their listed prices, less an offer's discount, plus food and drink, the
/// convenience fee and the GST on the fee (<c>tax</c>); <c>total</c> is what is paid. <c>taxIncluded</c> is the GST
/// already inside the tickets' and the food's prices. <c>lines</c> itemise it, each with its taxable value and tax.
/// </summary>
public sealed record BookingPrice(
    string Currency, long Seats, long Discount, long Food, long ConvenienceFee, long Tax, long Total, long TaxIncluded, IReadOnlyList<PriceLine> Lines)
{
    public static BookingPrice Of(Booking b) =>
        new(b.Currency, b.SeatTotal, b.Discount, b.Food, b.ConvenienceFee, b.Tax, b.Total, b.TaxIncluded, b.Lines);
}

/// <summary>What a cancelled or unsold booking gives back, why, and the policy tier a customer's cancellation was refunded by.</summary>
public sealed record BookingRefund(long Amount, string? Reason, CancellationTierResponse? Tier);

/// <summary>A booking; its times in the show's city time, like every time about the show.</summary>
public sealed record BookingResponse(
    Guid Id, BookingStatus Status, Guid ShowId, Guid HoldId, IReadOnlyList<string> Seats, BookingPrice Price, DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt, BookingRefund? Refund, string? OfferCode, IReadOnlyList<BookingFoodItem> Food)
{
    public static BookingResponse From(Booking b, ShowFacts? show) => new(
        b.Id, b.Status, b.ShowId, b.HoldId, [.. b.Seats.Select(s => s.SeatId).Order(SeatOrder.Instance)],
        BookingPrice.Of(b), Local(b.ExpiresAt, show), Local(b.CreatedAt, show),
        b.RefundAmount is { } amount ? new BookingRefund(amount, b.RefundReason, CancellationTierResponse.From(b.CancellationTier)) : null, b.OfferCode,
        [.. b.FoodItems.OrderBy(f => f.Name).Select(f => new BookingFoodItem(f.ItemId, f.Name, f.Quantity, f.UnitPrice))]);

    private static DateTimeOffset Local(DateTimeOffset instant, ShowFacts? show) => show?.Local(instant) ?? instant;
}

/// <summary>Food and drink ordered with a booking: so many of one menu item at its price (GST included).</summary>
public sealed record BookingFoodItem(Guid ItemId, string Name, int Quantity, long UnitPrice);

/// <summary>What a booking is for, as a list shows it: the film, the theatre and the start in the city's time.</summary>
public sealed record BookingShow(Guid Id, string Movie, string Theatre, DateTimeOffset StartsAt);

/// <summary>A booking in the caller's list: the booking, the show it is for, and what cancelling it now would do.</summary>
public sealed record BookingListItem(
    Guid Id, BookingStatus Status, Guid ShowId, Guid HoldId, IReadOnlyList<string> Seats, BookingPrice Price, DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt, BookingRefund? Refund, BookingShow Show, BookingCancellation Cancellation);

/// <summary>
/// What cancelling the booking now would do: whether it is allowed (or why not), the refund (0 for an unpaid one), the
/// fee kept, the policy's tier that applies and until when that quote holds (in the city's time). An admitted ticket
/// is refused at cancellation even so.
/// </summary>
public sealed record BookingCancellation(bool Allowed, long Refund, long Fee, CancellationTierResponse? Tier, DateTimeOffset? Until, string? Reason)
{
    public static BookingCancellation From(CancellationQuote quote, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(quote);
        return new(quote.Allowed, quote.Refund, quote.Fee, CancellationTierResponse.From(quote.Tier),
            quote.Until is { } until ? CityTime.ToLocal(until, timeZone) : null, quote.Reason);
    }
}

/// <summary>A policy tier: at least <c>before</c> (hh:mm:ss) ahead of the show, <c>feePercent</c> of the tickets is kept.</summary>
public sealed record CancellationTierResponse(TimeSpan Before, decimal FeePercent, string Description)
{
    public static CancellationTierResponse? From(CancellationTier? tier) => tier is null ? null : new(tier.Before, tier.FeePercent, tier.Describe());
}

/// <summary>
/// Filters and order of the caller's bookings: <c>status</c> (<c>CONFIRMED</c>, …) and <c>sort</c>
/// (<c>-createdAt</c>, the default, newest first; <c>showTime</c> soonest first; <c>-showTime</c>).
/// </summary>
public sealed record BookingListRequest(
    [property: System.ComponentModel.Description("Only bookings in this status: PENDING_PAYMENT, CONFIRMED, FAILED, EXPIRED, CANCELLED or REFUNDED.")] string? Status = null,
    [property: System.ComponentModel.Description("-createdAt (default), showTime or -showTime.")] string? Sort = null);

public static class BookingsApi
{
    private static readonly string[] Sorts = ["-createdAt", "showTime", "-showTime"];

    public static RouteGroupBuilder MapBookingsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization();
        api.MapPost("/", CreateBookingAsync)
            .Idempotent()
            .WithSummary("Turns the caller's hold into a booking awaiting payment, priced with fee and GST.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/", ListBookingsAsync)
            .WithSummary("The caller's bookings with their show, newest first or by show time, optionally of one status.");
        api.MapGet("/{bookingId:guid}", GetBookingAsync).WithSummary("The caller's booking with its price and any refund.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{bookingId:guid}/cancellation", QuoteCancellationAsync)
            .WithSummary("What cancelling the caller's booking now would refund, by its theatre's cancellation policy, and until when that holds.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{bookingId:guid}/cancel", CancelBookingAsync)
            .WithSummary("Cancels the caller's booking; its seats are free at once. A paid one is refunded exactly what the cancellation quote says, by its policy's tier.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<BookingResponse>, ProblemHttpResult>> CreateBookingAsync(
        CreateBookingRequest request, CurrentUser user, BookingService bookings, ShowFactsCache shows, CancellationToken cancellationToken) =>
        await bookings.CreateAsync(user.Id, request.HoldId!.Value, cancellationToken) switch
        {
            BookingOutcome.Done done => TypedResults.Created($"/api/bookings/{done.Booking.Id}",
                BookingResponse.From(done.Booking, await shows.GetAsync(done.Booking.ShowId, cancellationToken))),
            BookingOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Hold", request.HoldId),
        };

    private static async Task<Results<Ok<PagedList<BookingListItem>>, ValidationProblem>> ListBookingsAsync(
        [AsParameters] PageRequest page,
        [AsParameters] BookingListRequest filter,
        CurrentUser user,
        MovieBookingDb db,
        CancellationQuotes cancellations,
        CancellationToken cancellationToken)
    {
        BookingStatus? status = null;
        if (filter.Status is { } named)
        {
            status = Enum.GetValues<BookingStatus>().Cast<BookingStatus?>()
                .FirstOrDefault(s => string.Equals(BookingStatusNames.Of(s!.Value), named, StringComparison.OrdinalIgnoreCase));
            if (status is null)
            {
                return ApiProblems.Invalid("status", $"'{named}' is not a booking status; use one of {string.Join(", ", Enum.GetValues<BookingStatus>().Select(BookingStatusNames.Of))}.");
            }
        }

        var sort = filter.Sort ?? Sorts[0];
        if (!Sorts.Contains(sort, StringComparer.Ordinal))
        {
            return ApiProblems.Invalid("sort", $"'{sort}' is not an order of bookings; use one of {string.Join(", ", Sorts)}.");
        }

        var mine = db.Bookings.AsNoTracking().Where(b => b.UserId == user.Id && (status == null || b.Status == status));
        var rows =
            from b in mine
            join show in db.Shows on b.ShowId equals show.Id
            join movie in db.Movies on show.MovieId equals movie.Id
            join screen in db.Screens on show.ScreenId equals screen.Id
            join theatre in db.Theatres on screen.TheatreId equals theatre.Id
            join city in db.Cities on theatre.CityId equals city.Id
            select new { Booking = b, show.StartsAt, Movie = movie.Title, Theatre = theatre.Name, city.TimeZone, Policy = theatre.CancellationPolicy };
        rows = sort switch
        {
            "showTime" => rows.OrderBy(r => r.StartsAt).ThenBy(r => r.Booking.Id),
            "-showTime" => rows.OrderByDescending(r => r.StartsAt).ThenByDescending(r => r.Booking.Id),
            _ => rows.OrderByDescending(r => r.Booking.CreatedAt).ThenByDescending(r => r.Booking.Id),
        };
        var list = await rows
            .Select(r => new
            {
                r.Booking.Id,
                r.Booking.Status,
                r.Booking.ShowId,
                r.Booking.HoldId,
                Seats = r.Booking.Seats.Select(s => s.SeatId).ToList(),
                Price = new BookingPrice(r.Booking.Currency, r.Booking.SeatTotal, r.Booking.Discount, r.Booking.Food, r.Booking.ConvenienceFee, r.Booking.Tax,
                    r.Booking.Total, r.Booking.TaxIncluded, r.Booking.Lines),
                r.Booking.ExpiresAt,
                r.Booking.CreatedAt,
                r.Booking.RefundAmount,
                r.Booking.RefundReason,
                r.Booking.CancellationTier,
                r.StartsAt,
                r.Movie,
                r.Theatre,
                r.TimeZone,
                r.Policy,
            })
            .ToPageAsync(page, cancellationToken);
        return TypedResults.Ok(new PagedList<BookingListItem>(
            [.. list.Items.Select(b => new BookingListItem(b.Id, b.Status, b.ShowId, b.HoldId, [.. b.Seats.Order(SeatOrder.Instance)], b.Price,
                CityTime.ToLocal(b.ExpiresAt, b.TimeZone), CityTime.ToLocal(b.CreatedAt, b.TimeZone),
                b.RefundAmount is { } amount ? new BookingRefund(amount, b.RefundReason, CancellationTierResponse.From(b.CancellationTier)) : null,
                new BookingShow(b.ShowId, b.Movie, b.Theatre, CityTime.ToLocal(b.StartsAt, b.TimeZone)),
                BookingCancellation.From(cancellations.Quote(b.Status, b.StartsAt, b.Price.Seats, b.Price.Discount, b.Price.Food, b.Price.ConvenienceFee,
                    b.Price.Tax, cancellations.PolicyOr(b.Policy)), b.TimeZone)))],
            list.Page, list.PageSize, list.Total));
    }

    private static async Task<Results<Ok<BookingCancellation>, ProblemHttpResult>> QuoteCancellationAsync(
        Guid bookingId, CurrentUser user, BookingService bookings, ShowFactsCache shows, CancellationQuotes cancellations, CancellationToken cancellationToken)
    {
        var booking = await bookings.FindAsync(user.Id, bookingId, cancellationToken);
        if (booking is null)
        {
            return ApiProblems.NotFound("Booking", bookingId);
        }

        var show = (await shows.GetAsync(booking.ShowId, cancellationToken))!;
        var quote = cancellations.Quote(booking, show.StartsAt, await cancellations.PolicyForShowAsync(booking.ShowId, cancellationToken));
        return TypedResults.Ok(BookingCancellation.From(quote, show.TimeZone));
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBookingAsync(
        Guid bookingId, CurrentUser user, BookingService bookings, ShowFactsCache shows, CancellationToken cancellationToken)
    {
        var booking = await bookings.FindAsync(user.Id, bookingId, cancellationToken);
        return booking is null
            ? ApiProblems.NotFound("Booking", bookingId)
            : TypedResults.Ok(BookingResponse.From(booking, await shows.GetAsync(booking.ShowId, cancellationToken)));
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelBookingAsync(
        Guid bookingId, CurrentUser user, PaymentService payments, ShowFactsCache shows, CancellationToken cancellationToken) =>
        await payments.CancelAsync(user.Id, bookingId, cancellationToken) switch
        {
            BookingOutcome.Done done => TypedResults.Ok(BookingResponse.From(done.Booking, await shows.GetAsync(done.Booking.ShowId, cancellationToken))),
            BookingOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Booking", bookingId),
        };
}
