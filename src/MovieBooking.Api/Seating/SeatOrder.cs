namespace MovieBooking.Api.Seating;

/// <summary>Seats in reading order: row letters, then number (C2 before C10).</summary>
public sealed class SeatOrder : IComparer<string>
{
    public static readonly SeatOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var (rowX, numberX) = Split(x ?? "");
        var (rowY, numberY) = Split(y ?? "");
        var byRow = rowX.Length != rowY.Length ? rowX.Length.CompareTo(rowY.Length) : string.CompareOrdinal(rowX, rowY);
        return byRow != 0 ? byRow : numberX.CompareTo(numberY);
    }

    private static (string Row, int Number) Split(string seat)
    {
        var digits = seat.AsSpan().IndexOfAnyInRange('0', '9');
        return digits < 0 ? (seat, 0) : (seat[..digits], int.TryParse(seat.AsSpan(digits), out var n) ? n : 0);
    }
}
