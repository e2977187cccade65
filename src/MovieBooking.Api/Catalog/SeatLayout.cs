using System.Text.RegularExpressions;

namespace MovieBooking.Api.Catalog;

/// <summary>A screen's seat layout as written by a theatre: rows from the screen back, seats placed in columns.</summary>
public sealed record SeatLayoutRow(string Label, IReadOnlyList<SeatLayoutSeat> Seats);

/// <summary>A seat in a row: its number (the label is row + number, e.g. <c>C7</c>) and its column (gaps are aisles).</summary>
public sealed record SeatLayoutSeat(int Number, int Column, SeatCategory Category, bool Blocked = false);

/// <summary>The rules every seat layout obeys, and its conversion to the stored seats.</summary>
public static partial class SeatLayout
{
    public const int MaxRows = 52;
    public const int MaxSeatsPerRow = 100;
    public const int MaxColumn = 200;

    /// <summary>Every broken rule, keyed by the request field it concerns (empty when the layout is valid).</summary>
    public static Dictionary<string, string[]> Validate(IReadOnlyList<SeatLayoutRow>? rows)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (rows is null || rows.Count == 0 || rows.All(r => r.Seats is not { Count: > 0 }))
        {
            Add("rows", "A layout needs at least one seat.");
            return Flatten(errors);
        }

        if (rows.Count > MaxRows)
        {
            Add("rows", $"A layout has at most {MaxRows} rows.");
        }

        var rowLabels = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var field = $"rows[{r}]";
            if (string.IsNullOrEmpty(row.Label) || !RowLabel().IsMatch(row.Label))
            {
                Add($"{field}.label", "A row label is one or two capital letters, e.g. A or AA.");
            }
            else if (!rowLabels.Add(row.Label))
            {
                Add($"{field}.label", $"Row {row.Label} appears twice.");
            }

            var seats = row.Seats ?? [];
            if (seats.Count > MaxSeatsPerRow)
            {
                Add($"{field}.seats", $"A row has at most {MaxSeatsPerRow} seats.");
            }

            var numbers = new HashSet<int>();
            var columns = new HashSet<int>();
            for (var s = 0; s < seats.Count; s++)
            {
                var seat = seats[s];
                var seatField = $"{field}.seats[{s}]";
                if (seat.Number < 1 || seat.Number > 999)
                {
                    Add($"{seatField}.number", "A seat number is between 1 and 999.");
                }
                else if (!numbers.Add(seat.Number))
                {
                    Add($"{seatField}.number", $"Seat {row.Label}{seat.Number} appears twice.");
                }

                if (seat.Column < 0 || seat.Column > MaxColumn)
                {
                    Add($"{seatField}.column", $"A column is between 0 and {MaxColumn}.");
                }
                else if (!columns.Add(seat.Column))
                {
                    Add($"{seatField}.column", $"Two seats of row {row.Label} stand in column {seat.Column}.");
                }

                if (!Enum.IsDefined(seat.Category))
                {
                    Add($"{seatField}.category", "Unknown seat category.");
                }
            }
        }

        return Flatten(errors);
    }

    /// <summary>The stored seats of a valid layout.</summary>
    public static List<ScreenSeat> ToSeats(Guid screenId, IReadOnlyList<SeatLayoutRow> rows) =>
        [.. rows.SelectMany((row, index) => row.Seats.Select(seat => new ScreenSeat
        {
            ScreenId = screenId,
            Label = $"{row.Label}{seat.Number}",
            Row = row.Label,
            RowIndex = index,
            Number = seat.Number,
            Column = seat.Column,
            Category = seat.Category,
            IsBlocked = seat.Blocked,
        }))];

    /// <summary>The layout of stored seats, rows in screen order.</summary>
    public static List<SeatLayoutRow> FromSeats(IEnumerable<ScreenSeat> seats) =>
        [.. seats.GroupBy(s => (s.RowIndex, s.Row))
            .OrderBy(g => g.Key.RowIndex)
            .Select(g => new SeatLayoutRow(g.Key.Row,
                [.. g.OrderBy(s => s.Column).Select(s => new SeatLayoutSeat(s.Number, s.Column, s.Category, s.IsBlocked))]))];

    private static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    [GeneratedRegex("^[A-Z]{1,2}$")]
    private static partial Regex RowLabel();
}
