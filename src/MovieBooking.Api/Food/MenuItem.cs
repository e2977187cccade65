namespace MovieBooking.Api.Food;

/// <summary>
/// Food or drink on a theatre's menu: an item or a combo, at a price that includes its GST, with a stock per show
/// (none: unlimited). Kept by the theatre's owner.
/// </summary>
public sealed class MenuItem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TheatreId { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public MenuItemKind Kind { get; set; }

    /// <summary>The price of one, in minor units, its tax included.</summary>
    public long Price { get; set; }

    public decimal TaxRate { get; set; }
    public bool Veg { get; set; }
    public string? ImageUrl { get; set; }

    /// <summary>How many can be sold for one show; none for no limit.</summary>
    public int? StockPerShow { get; set; }

    /// <summary>Taken off the menu: no longer sold; bookings that have it keep it.</summary>
    public bool Withdrawn { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum MenuItemKind
{
    Item,
    Combo,
}

/// <summary>
/// So many of one menu item ordered with a booking, at the price and rate it had then. Counted against the item's stock
/// for the show while its booking awaits payment (not yet expired) or is confirmed; a failed, expired or cancelled
/// booking gives it back.
/// </summary>
public sealed class BookingFood
{
    public Guid BookingId { get; init; }
    public Guid ItemId { get; init; }
    public Guid ShowId { get; init; }
    public required string Name { get; init; }
    public int Quantity { get; init; }
    public long UnitPrice { get; init; }
    public decimal TaxRate { get; init; }
}
