using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Seating;

public static class SeatMapApi
{
    public static IEndpointRouteBuilder MapSeatingApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/shows").WithTags("Seats")
            .MapGet("/{showId:guid}/seats", GetSeatMapAsync)
            .WithSummary("The seat map of a show: every seat with its category, price and status, and a count of each status.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<SeatMapResponse>, ProblemHttpResult>> GetSeatMapAsync(
        Guid showId, MovieBookingDb db, IHoldStore holds, TimeProvider time, CancellationToken cancellationToken)
    {
        var entries = await (
            from seat in db.ShowSeats.AsNoTracking()
            join show in db.Shows on seat.ShowId equals show.Id
            join price in db.ShowPrices on new { seat.ShowId, seat.Category } equals new { price.ShowId, price.Category }
            where seat.ShowId == showId
            orderby seat.RowIndex, seat.Column
            select new SeatMapEntry(
                seat.Row, seat.SeatId, seat.Number, seat.Column, seat.Category, price.Amount, show.Currency, seat.Status, seat.HoldExpiresAt))
            .ToListAsync(cancellationToken);
        if (entries.Count == 0 && !await db.Shows.AnyAsync(s => s.Id == showId, cancellationToken))
        {
            return ApiProblems.NotFound("Show", showId);
        }

        var now = time.GetUtcNow();
        var heldElsewhere = await holds.HeldSeatsAsync(showId, now, cancellationToken);
        return TypedResults.Ok(SeatMapBuilder.Build(showId, entries, now, heldElsewhere));
    }
}
