namespace MovieBooking.Api.Catalog;

public sealed class Screen
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TheatreId { get; set; }
    public Theatre? Theatre { get; set; }
    public required string Name { get; set; }
    public List<ScreenSeat> Seats { get; init; } = [];

    /// <summary>
    /// Where "best" seats are measured from: a row's label and a column (a half column is between two seats). None:
    /// the centre of the row about two thirds of the way back from the screen.
    /// </summary>
    public string? FocalRow { get; set; }

    public double? FocalColumn { get; set; }
}

/// <summary>One seat of a screen's layout. Its label (<c>C7</c>) is its id within the screen and within every show on it.</summary>
public sealed class ScreenSeat
{
    public Guid ScreenId { get; set; }
    public required string Label { get; init; }
    public required string Row { get; init; }

    /// <summary>Position of the row from the screen (0 = closest), so rows sort without parsing labels.</summary>
    public int RowIndex { get; init; }

    public int Number { get; init; }

    /// <summary>Horizontal position; a column with no seat in a row is an aisle.</summary>
    public int Column { get; init; }

    public SeatCategory Category { get; init; }
    public bool IsBlocked { get; init; }
}
