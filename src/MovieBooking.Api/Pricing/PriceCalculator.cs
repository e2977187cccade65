using System.ComponentModel.DataAnnotations;
using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Pricing;

/// <summary>
/// Bound from <c>Tax</c>; the defaults are India's GST: a cinema ticket up to ₹100 carries 12 %, above ₹100 18 %, both
/// included in the listed price; food and drink 5 % included; the convenience fee 18 % added on top.
/// </summary>
public sealed class TaxOptions
{
    public const string Section = "Tax";

    /// <summary>The ticket price (after any discount), in minor units, up to which the lower rate applies.</summary>
    [Range(0, 10_000_000, ErrorMessage = "Tax:TicketThreshold must be between 0 and 10000000 (minor units).")]
    public long TicketThreshold { get; set; } = 10_000;

    [Range(typeof(decimal), "0", "50", ErrorMessage = "Tax:TicketRateUpToThreshold must be between 0 and 50.")]
    public decimal TicketRateUpToThreshold { get; set; } = 12m;

    [Range(typeof(decimal), "0", "50", ErrorMessage = "Tax:TicketRateAboveThreshold must be between 0 and 50.")]
    public decimal TicketRateAboveThreshold { get; set; } = 18m;

    /// <summary>The rate a new menu item gets unless its owner sets another.</summary>
    [Range(typeof(decimal), "0", "50", ErrorMessage = "Tax:FoodRate must be between 0 and 50.")]
    public decimal FoodRate { get; set; } = 5m;

    [Range(typeof(decimal), "0", "50", ErrorMessage = "Tax:ConvenienceFeeRate must be between 0 and 50.")]
    public decimal ConvenienceFeeRate { get; set; } = 18m;

    public decimal TicketRate(long price) => price <= TicketThreshold ? TicketRateUpToThreshold : TicketRateAboveThreshold;
}

/// <summary>The convenience fee: a fixed part per ticket plus a share of what the tickets cost.</summary>
public sealed record ConvenienceFee(long PerTicket, decimal Percent);

public enum PriceLineKind
{
    Ticket,
    Food,
    ConvenienceFee,
}

/// <summary>A seat being bought at its show's price for its category.</summary>
public sealed record TicketItem(string SeatId, SeatCategory Category, long Price);

/// <summary>Food or drink being bought: so many of one menu item at its price, which includes its tax.</summary>
public sealed record FoodItem(Guid ItemId, string Name, int Quantity, long UnitPrice, decimal TaxRate);

/// <summary>
/// One line of a price breakdown and of its tax invoice. <see cref="Amount"/> is what the customer pays for the line;
/// its tax is included in it (tickets, food) or added to it (the convenience fee), and
/// <see cref="TaxableValue"/> + <see cref="Tax"/> = <see cref="Amount"/> always.
/// </summary>
public sealed record PriceLine(
    PriceLineKind Kind, string Description, int Quantity, long UnitPrice, long Discount, long Amount, decimal TaxRate, long TaxableValue, long Tax);

/// <summary>
/// A booking's price: its lines and their sums. <see cref="Total"/> = tickets after discount + food + fee + tax on
/// the fee, which is also the sum of the lines' amounts.
/// </summary>
public sealed record PriceQuote(string Currency, IReadOnlyList<PriceLine> Lines)
{
    /// <summary>The tickets at their listed prices, before any discount.</summary>
    public long Seats => Lines.Where(l => l.Kind == PriceLineKind.Ticket).Sum(l => l.UnitPrice * l.Quantity);

    public long Discount => Lines.Sum(l => l.Discount);

    public long Food => Lines.Where(l => l.Kind == PriceLineKind.Food).Sum(l => l.Amount);

    public long ConvenienceFee => Lines.Where(l => l.Kind == PriceLineKind.ConvenienceFee).Sum(l => l.TaxableValue);

    /// <summary>GST added on top: the convenience fee's.</summary>
    public long FeeTax => Lines.Where(l => l.Kind == PriceLineKind.ConvenienceFee).Sum(l => l.Tax);

    /// <summary>GST included in the tickets' and the food's prices.</summary>
    public long TaxIncluded => Lines.Where(l => l.Kind != PriceLineKind.ConvenienceFee).Sum(l => l.Tax);

    public long Total => Lines.Sum(l => l.Amount);
}

/// <summary>
/// Prices a booking. One rounding rule, applied per line, in integer minor units: an amount is rounded half away from
/// zero to the paisa once, and every other part is what remains. A tax included in a price is that price less its
/// taxable value, round(price × 100 / (100 + rate)); a tax added is round(value × rate / 100). So the parts of every
/// line, and the lines of every booking, add up to its total exactly.
/// </summary>
public static class PriceCalculator
{
    /// <param name="tickets">The seats, each at its listed price.</param>
    /// <param name="ticketDiscounts">What an offer takes off each ticket (same order; empty for none).</param>
    /// <param name="food">Food and drink ordered with the tickets.</param>
    public static PriceQuote Quote(
        string currency, IReadOnlyList<TicketItem> tickets, IReadOnlyList<long> ticketDiscounts, IReadOnlyList<FoodItem> food,
        ConvenienceFee fee, TaxOptions tax)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(ticketDiscounts);
        ArgumentNullException.ThrowIfNull(food);
        ArgumentNullException.ThrowIfNull(fee);
        ArgumentNullException.ThrowIfNull(tax);
        if (ticketDiscounts.Count != 0 && ticketDiscounts.Count != tickets.Count)
        {
            throw new ArgumentException("A discount is given per ticket.", nameof(ticketDiscounts));
        }

        var lines = new List<PriceLine>(tickets.Count + food.Count + 1);
        for (var i = 0; i < tickets.Count; i++)
        {
            var ticket = tickets[i];
            var discount = ticketDiscounts.Count == 0 ? 0 : Math.Clamp(ticketDiscounts[i], 0, ticket.Price);
            var paid = ticket.Price - discount;
            lines.Add(Included(PriceLineKind.Ticket, $"Seat {ticket.SeatId} ({ShowRules.Name(ticket.Category)})", 1, ticket.Price, discount, paid,
                tax.TicketRate(paid)));
        }

        foreach (var item in food)
        {
            lines.Add(Included(PriceLineKind.Food, item.Name, item.Quantity, item.UnitPrice, 0, item.UnitPrice * item.Quantity, item.TaxRate));
        }

        var ticketsPaid = lines.Where(l => l.Kind == PriceLineKind.Ticket).Sum(l => l.Amount);
        var feeValue = fee.PerTicket * tickets.Count + RoundHalfUp(ticketsPaid * fee.Percent / 100m);
        var feeTax = RoundHalfUp(feeValue * tax.ConvenienceFeeRate / 100m);
        lines.Add(new PriceLine(PriceLineKind.ConvenienceFee, "Convenience fee", 1, feeValue, 0, feeValue + feeTax, tax.ConvenienceFeeRate, feeValue, feeTax));
        return new PriceQuote(currency, lines);
    }

    /// <summary>A line whose amount includes its tax at the rate.</summary>
    public static PriceLine Included(PriceLineKind kind, string description, int quantity, long unitPrice, long discount, long amount, decimal rate)
    {
        var taxable = RoundHalfUp(amount * 100m / (100m + rate));
        return new PriceLine(kind, description, quantity, unitPrice, discount, amount, rate, taxable, amount - taxable);
    }

    /// <summary>Minor units are whole; half a paisa rounds away from zero, as invoices do.</summary>
    public static long RoundHalfUp(decimal amount) => (long)decimal.Round(amount, 0, MidpointRounding.AwayFromZero);
}
