using MovieBooking.Api.Catalog;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Offers;

/// <summary>
/// An offer code: a discount on the tickets of a booking, within a validity window and a scope, with limits on how
/// often it is redeemed in all and by one customer. Admins' codes are platform-wide; a theatre owner's code is for
/// that owner's theatres only (<see cref="OwnerId"/>).
/// </summary>
public sealed class Offer
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>What customers type, kept upper-case; unique.</summary>
    public required string Code { get; init; }

    public string? Description { get; set; }

    /// <summary>The theatre owner whose theatres the code is for; none for a platform-wide code.</summary>
    public Guid? OwnerId { get; init; }

    public OfferDiscount Discount { get; set; }

    /// <summary>The percentage off the seats in scope (<see cref="OfferDiscount.Percent"/>).</summary>
    public decimal? Percent { get; set; }

    /// <summary>The most a percentage takes off one booking, in minor units; none for no cap.</summary>
    public long? Cap { get; set; }

    /// <summary>The amount off the booking (<see cref="OfferDiscount.Amount"/>) or the price of each ticket in scope (<see cref="OfferDiscount.FixedPrice"/>).</summary>
    public long? Amount { get; set; }

    /// <summary>The fewest tickets in scope a booking must have.</summary>
    public int MinTickets { get; set; } = 1;

    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset ValidUntil { get; set; }
    public OfferScope Scope { get; set; } = OfferScope.Everything;

    /// <summary>How many bookings may redeem it in all; none for no limit.</summary>
    public int? TotalLimit { get; set; }

    /// <summary>How many bookings of one customer may redeem it; none for no limit.</summary>
    public int? PerUserLimit { get; set; }

    public bool Paused { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum OfferDiscount
{
    /// <summary>A percentage of the seats in scope, optionally capped.</summary>
    Percent,

    /// <summary>A fixed amount off the seats in scope.</summary>
    Amount,

    /// <summary>Every ticket in scope at one price (when it costs more).</summary>
    FixedPrice,
}

/// <summary>Where a code applies: any of these lists narrows it; all empty is everything its creator may sell.</summary>
public sealed record OfferScope(
    IReadOnlyList<Guid> TheatreIds, IReadOnlyList<Guid> MovieIds, IReadOnlyList<Guid> ShowIds, IReadOnlyList<SeatCategory> Categories)
{
    public static readonly OfferScope Everything = new([], [], [], []);
}

/// <summary>What a booking is, as an offer judges it.</summary>
public sealed record OfferTarget(Guid TheatreId, Guid TheatreOwnerId, Guid MovieId, Guid ShowId, IReadOnlyList<TicketItem> Tickets);

/// <summary>Whether a code applies to a booking now, and what it takes off each ticket.</summary>
public static class OfferRules
{
    /// <summary>The discount per ticket (in the tickets' order), or why the code does not apply.</summary>
    public static (IReadOnlyList<long>? Discounts, string? Refusal) Apply(Offer offer, OfferTarget target, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(target);
        if (offer.Paused)
        {
            return (null, "This offer is paused.");
        }

        if (now < offer.ValidFrom)
        {
            return (null, "This offer has not started yet.");
        }

        if (now >= offer.ValidUntil)
        {
            return (null, "This offer has expired.");
        }

        var scope = offer.Scope;
        if ((offer.OwnerId is { } owner && owner != target.TheatreOwnerId)
            || (scope.TheatreIds.Count > 0 && !scope.TheatreIds.Contains(target.TheatreId))
            || (scope.MovieIds.Count > 0 && !scope.MovieIds.Contains(target.MovieId))
            || (scope.ShowIds.Count > 0 && !scope.ShowIds.Contains(target.ShowId)))
        {
            return (null, "This offer is not valid for this show.");
        }

        var inScope = target.Tickets.Select(t => scope.Categories.Count == 0 || scope.Categories.Contains(t.Category)).ToList();
        var count = inScope.Count(x => x);
        if (count == 0)
        {
            return (null, "This offer is not valid for these seats.");
        }

        if (count < offer.MinTickets)
        {
            return (null, $"This offer needs at least {offer.MinTickets} tickets{(scope.Categories.Count > 0 ? " in its seat categories" : "")}.");
        }

        var prices = target.Tickets.Select((t, i) => inScope[i] ? t.Price : 0).ToList();
        var discounts = offer.Discount switch
        {
            OfferDiscount.FixedPrice => prices.Select((p, i) => inScope[i] ? Math.Max(0, p - offer.Amount!.Value) : 0).ToList(),
            OfferDiscount.Amount => Allocate(Math.Min(offer.Amount!.Value, prices.Sum()), prices),
            _ => Allocate(Math.Min(PriceCalculator.RoundHalfUp(prices.Sum() * offer.Percent!.Value / 100m), offer.Cap ?? long.MaxValue), prices),
        };
        return discounts.Sum() == 0 ? (null, "This offer takes nothing off these seats.") : (discounts, null);
    }

    /// <summary>
    /// Shares an amount among tickets in proportion to their prices, in whole minor units: each gets the floor of its
    /// share and the paise left go to the largest remainders (the earlier ticket on a tie), so the shares add up.
    /// </summary>
    public static List<long> Allocate(long amount, IReadOnlyList<long> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var total = prices.Sum();
        if (total == 0 || amount == 0)
        {
            return [.. prices.Select(_ => 0L)];
        }

        var shares = prices.Select(p => (long)((Int128)amount * p / total)).ToList();
        var left = amount - shares.Sum();
        foreach (var i in Enumerable.Range(0, prices.Count).OrderByDescending(i => (Int128)amount * prices[i] % total).ThenBy(i => i).Take((int)left))
        {
            shares[i]++;
        }

        return shares;
    }
}
