using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Bookings;

public sealed record CreateBookingRequest([property: Required] Guid? HoldId);

public sealed record BookingPrice(string Currency, long Seats, long ConvenienceFee, long Tax, long Total);

public sealed record BookingRefund(long Amount, string? Reason);

public sealed record BookingResponse(
    Guid Id, BookingStatus Status, Guid ShowId, Guid HoldId, IReadOnlyList<string> Seats, BookingPrice Price, DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt, BookingRefund? Refund)
{
    public static BookingResponse From(Booking b) => new(
        b.Id, b.Status, b.ShowId, b.HoldId, [.. b.Seats.Select(s => s.SeatId).Order(SeatOrder.Instance)],
        new BookingPrice(b.Currency, b.SeatTotal, b.ConvenienceFee, b.Tax, b.Total), b.ExpiresAt, b.CreatedAt,
        b.RefundAmount is { } amount ? new BookingRefund(amount, b.RefundReason) : null);
}

public static class BookingsApi
{
    public static RouteGroupBuilder MapBookingsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/bookings").WithTags("Bookings").RequireAuthorization();
        api.MapPost("/", CreateBookingAsync)
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Turns the caller's hold into a booking awaiting payment, priced with fee and GST.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/", ListBookingsAsync).WithSummary("The caller's bookings, newest first.");
        api.MapGet("/{bookingId:guid}", GetBookingAsync).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{bookingId:guid}/cancel", CancelBookingAsync)
            .WithSummary("Cancels the caller's booking; its seats are free at once. A paid one, until the cutoff before the show, is refunded.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<BookingResponse>, ProblemHttpResult>> CreateBookingAsync(
        CreateBookingRequest request, CurrentUser user, BookingService bookings, CancellationToken cancellationToken) =>
        await bookings.CreateAsync(user.Id, request.HoldId!.Value, cancellationToken) switch
        {
            BookingOutcome.Done done => TypedResults.Created($"/api/bookings/{done.Booking.Id}", BookingResponse.From(done.Booking)),
            BookingOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Hold", request.HoldId),
        };

    private static async Task<PagedList<BookingResponse>> ListBookingsAsync(
        [AsParameters] PageRequest page, CurrentUser user, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var list = await db.Bookings.AsNoTracking()
            .Where(b => b.UserId == user.Id)
            .OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id)
            .Select(b => new BookingResponse(b.Id, b.Status, b.ShowId, b.HoldId,
                b.Seats.Select(s => s.SeatId).ToList(),
                new BookingPrice(b.Currency, b.SeatTotal, b.ConvenienceFee, b.Tax, b.Total), b.ExpiresAt, b.CreatedAt,
                b.RefundAmount == null ? null : new BookingRefund(b.RefundAmount.Value, b.RefundReason)))
            .ToPageAsync(page, cancellationToken);
        return list with { Items = [.. list.Items.Select(b => b with { Seats = [.. b.Seats.Order(SeatOrder.Instance)] })] };
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetBookingAsync(
        Guid bookingId, CurrentUser user, BookingService bookings, CancellationToken cancellationToken)
    {
        var booking = await bookings.FindAsync(user.Id, bookingId, cancellationToken);
        return booking is null ? ApiProblems.NotFound("Booking", bookingId) : TypedResults.Ok(BookingResponse.From(booking));
    }

    private static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelBookingAsync(
        Guid bookingId, CurrentUser user, PaymentService payments, CancellationToken cancellationToken) =>
        await payments.CancelAsync(user.Id, bookingId, cancellationToken) switch
        {
            BookingOutcome.Done done => TypedResults.Ok(BookingResponse.From(done.Booking)),
            BookingOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Booking", bookingId),
        };
}
