using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Seating;

/// <summary>Creates the seat inventory of shows from their screen's layout, inside the database.</summary>
public static class ShowInventory
{
    // One INSERT … SELECT copies the layout of the show's screen: no round trip per seat.
    private const string CopyLayout = """
        INSERT INTO show_seats (show_id, seat_id, "row", row_index, number, column_number, category, status)
        SELECT s.id, ss.label, ss."row", ss.row_index, ss.number, ss.column_number, ss.category,
               CASE WHEN ss.is_blocked THEN 'BLOCKED' ELSE 'AVAILABLE' END
        FROM shows s
        JOIN screen_seats ss ON ss.screen_id = s.screen_id
        """;

    /// <summary>Materialises the inventory of one show; call it in the transaction that creates the show.</summary>
    public static Task<int> MaterialiseAsync(MovieBookingDb db, Guid showId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(CopyLayout + " WHERE s.id = {0}", [showId], cancellationToken);

    /// <summary>Seats someone has bought or holds right now: they pin a show's schedule and its screen's layout.</summary>
    public static IQueryable<ShowSeat> Taken(this IQueryable<ShowSeat> seats, DateTimeOffset now) =>
        seats.Where(s => s.Status == SeatStatus.Booked || (s.Status == SeatStatus.Held && s.HoldExpiresAt > now));

    /// <summary>Materialises the inventory of every show that has none yet (bulk loads such as the demo seed).</summary>
    public static Task<int> MaterialiseMissingAsync(MovieBookingDb db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            CopyLayout + " WHERE NOT EXISTS (SELECT 1 FROM show_seats x WHERE x.show_id = s.id)", cancellationToken);
}
