using System.Text.Json.Serialization;
using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Seating;

public sealed record SeatMapResponse(Guid ShowId, string Currency, IReadOnlyList<SeatMapRow> Rows, SeatSummary Summary);

public sealed record SeatMapRow(string Label, IReadOnlyList<SeatMapSeat> Seats);

/// <summary>A seat on the map: its id in the show is its label; <c>price</c> is in minor units of the map's currency.</summary>
public sealed record SeatMapSeat(string Id, int Number, int Column, SeatCategory Category, long Price, SeatStatus Status);

public sealed record SeatSummary(
    [property: JsonPropertyName("AVAILABLE")] int Available,
    [property: JsonPropertyName("HELD")] int Held,
    [property: JsonPropertyName("BOOKED")] int Booked,
    [property: JsonPropertyName("BLOCKED")] int Blocked)
{
    /// <summary>The count of each status over the seats of <paramref name="rows"/>.</summary>
    public static SeatSummary Of(IEnumerable<SeatMapRow> rows)
    {
        var counts = new int[Enum.GetValues<SeatStatus>().Length];
        foreach (var seat in rows.SelectMany(r => r.Seats))
        {
            counts[(int)seat.Status]++;
        }

        return new SeatSummary(
            counts[(int)SeatStatus.Available], counts[(int)SeatStatus.Held], counts[(int)SeatStatus.Booked], counts[(int)SeatStatus.Blocked]);
    }
}

/// <summary>One inventory row as read for the map.</summary>
internal sealed record SeatMapEntry(
    string Row, string SeatId, int Number, int Column, SeatCategory Category, long Price, string Currency, SeatStatus Status, DateTimeOffset? HoldExpiresAt)
{
    /// <summary>A hold whose time has passed frees its seat without anyone writing to it.</summary>
    public SeatStatus StatusAt(DateTimeOffset now) =>
        Status == SeatStatus.Held && HoldExpiresAt <= now ? SeatStatus.Available : Status;
}

internal static class SeatMapBuilder
{
    /// <summary>
    /// Rows in screen order (entries arrive sorted by row, then column) and the count of each status. Seats the hold
    /// store holds outside the inventory table (Redis) show as held until their expiry.
    /// </summary>
    public static SeatMapResponse Build(
        Guid showId, IReadOnlyList<SeatMapEntry> entries, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset> heldElsewhere)
    {
        var rows = new List<SeatMapRow>();
        List<SeatMapSeat>? seats = null;
        string? row = null;
        foreach (var entry in entries)
        {
            if (entry.Row != row)
            {
                row = entry.Row;
                seats = [];
                rows.Add(new SeatMapRow(row, seats));
            }

            var status = entry.StatusAt(now);
            if (status == SeatStatus.Available && heldElsewhere.TryGetValue(entry.SeatId, out var expires) && expires > now)
            {
                status = SeatStatus.Held;
            }

            seats!.Add(new SeatMapSeat(entry.SeatId, entry.Number, entry.Column, entry.Category, entry.Price, status));
        }

        return new SeatMapResponse(showId, entries.Count > 0 ? entries[0].Currency : "INR", rows, SeatSummary.Of(rows));
    }
}
