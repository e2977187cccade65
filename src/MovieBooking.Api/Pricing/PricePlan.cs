using System.Globalization;
using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Pricing;

/// <summary>
/// A screen's price plan: the standard price of each seat category, and bands (days of the week and a time of day)
/// that price the shows starting in them differently, such as a matinee before 12:00 or a weekend Friday to Sunday.
/// A show takes its prices from the plan when it is scheduled without prices of its own, and keeps them: changing the
/// plan later never changes a scheduled show.
/// </summary>
public sealed class PricePlan
{
    public Guid ScreenId { get; init; }
    public required PriceRules Rules { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The plan's prices and bands, stored as one JSON document.</summary>
public sealed record PriceRules(IReadOnlyList<CategoryPrice> Prices, IReadOnlyList<PriceBand> Bands)
{
    /// <summary>The band a show starting at this local time falls in (bands never overlap), or none.</summary>
    public PriceBand? BandAt(DateTime localStart)
    {
        var time = TimeOnly.FromDateTime(localStart);
        return Bands.FirstOrDefault(b => b.Days.Contains(localStart.DayOfWeek) && b.From <= time && (b.Until is not { } until || time < until));
    }

    /// <summary>The prices of a show starting at this local time: its band's, or the standard ones.</summary>
    public IReadOnlyList<CategoryPrice> PricesAt(DateTime localStart) => BandAt(localStart)?.Prices ?? Prices;
}

/// <summary>Days of the week and a time of day [from, until) with their own prices; no <c>until</c> runs to midnight.</summary>
public sealed record PriceBand(string Name, IReadOnlyList<DayOfWeek> Days, TimeOnly From, TimeOnly? Until, IReadOnlyList<CategoryPrice> Prices)
{
    public bool Overlaps(PriceBand other, out DayOfWeek day)
    {
        ArgumentNullException.ThrowIfNull(other);
        day = Days.FirstOrDefault(other.Days.Contains);
        return Days.Any(other.Days.Contains) && From < (other.Until ?? TimeOnly.MaxValue) && other.From < (Until ?? TimeOnly.MaxValue);
    }

    public static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Clock(TimeOnly? until) => until is { } time ? Clock(time) : "24:00";
}
