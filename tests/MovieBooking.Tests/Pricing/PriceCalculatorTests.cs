using FsCheck;
using FsCheck.Fluent;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Tests.Pricing;

/// <summary>Price and tax arithmetic, as plain C#: India's GST slabs, the one rounding rule, and parts that add up.</summary>
public sealed class PriceCalculatorTests
{
    private static readonly TaxOptions India = new();
    private static readonly ConvenienceFee Fee = new(PerTicket: 2_000, Percent: 1.5m);
    private static readonly ConvenienceFee NoFee = new(0, 0);

    [Theory]
    // price (paise), discount → rate, taxable value, tax included
    [InlineData(10_000, 0, 12, 8_929, 1_071)] // ₹100.00: the lower slab
    [InlineData(10_001, 0, 18, 8_475, 1_526)] // ₹100.01: the higher slab
    [InlineData(11_800, 0, 18, 10_000, 1_800)]
    [InlineData(11_200, 0, 18, 9_492, 1_708)]
    [InlineData(5_600, 0, 12, 5_000, 600)]
    [InlineData(14, 0, 12, 13, 1)] // 14 × 100 / 112 = 12.5: half a paisa rounds away from zero
    [InlineData(1, 0, 12, 1, 0)]
    [InlineData(12_000, 2_000, 12, 8_929, 1_071)] // the slab is judged on the price paid, after the discount
    [InlineData(10_001, 1, 12, 8_929, 1_071)]
    [InlineData(20_000, 20_000, 12, 0, 0)] // free
    public void A_tickets_gst_is_included_at_its_slab_and_rounded_once(long price, long discount, decimal rate, long taxable, long tax)
    {
        var quote = PriceCalculator.Quote("INR", [new TicketItem("A1", SeatCategory.Classic, price)], [discount], [], NoFee, India);
        var ticket = quote.Lines.Single(l => l.Kind == PriceLineKind.Ticket);
        Assert.Equal((rate, taxable, tax, price - discount), (ticket.TaxRate, ticket.TaxableValue, ticket.Tax, ticket.Amount));
        Assert.Equal(discount, ticket.Discount);
        Assert.Equal(price - discount, quote.Total);
    }

    [Theory]
    [InlineData(2, 25_000, 5, 47_619, 2_381)]
    [InlineData(1, 10_500, 5, 10_000, 500)]
    [InlineData(3, 7, 5, 20, 1)] // 21 × 100 / 105 = 20
    [InlineData(1, 11_800, 18, 10_000, 1_800)]
    public void Food_carries_its_items_rate_included_on_the_line(int quantity, long unitPrice, decimal rate, long taxable, long tax)
    {
        var quote = PriceCalculator.Quote("INR", [], [], [new FoodItem(Guid.CreateVersion7(), "Popcorn", quantity, unitPrice, rate)], NoFee, India);
        var line = quote.Lines.Single(l => l.Kind == PriceLineKind.Food);
        Assert.Equal((quantity * unitPrice, taxable, tax), (line.Amount, line.TaxableValue, line.Tax));
        Assert.Equal(quantity * unitPrice, quote.Food);
    }

    [Fact]
    public void The_convenience_fee_is_per_ticket_plus_a_share_of_the_tickets_paid_and_its_gst_is_added()
    {
        var quote = PriceCalculator.Quote("INR",
            [new TicketItem("A1", SeatCategory.Prime, 20_000), new TicketItem("A2", SeatCategory.Prime, 20_000)], [5_000, 5_000],
            [new FoodItem(Guid.CreateVersion7(), "Cola", 2, 15_000, 5m)], Fee, India);

        // 2 × ₹20 + 1.5 % of ₹300 paid for the tickets = ₹44.50; 18 % GST on it = ₹8.01.
        var fee = quote.Lines.Single(l => l.Kind == PriceLineKind.ConvenienceFee);
        Assert.Equal((4_450L, 801L, 5_251L), (fee.TaxableValue, fee.Tax, fee.Amount));
        Assert.Equal(40_000, quote.Seats);
        Assert.Equal(10_000, quote.Discount);
        Assert.Equal(30_000, quote.Food);
        Assert.Equal(4_450, quote.ConvenienceFee);
        Assert.Equal(801, quote.FeeTax);
        Assert.Equal(40_000 - 10_000 + 30_000 + 4_450 + 801, quote.Total);
        // Tickets at ₹150 paid are in the higher slab: 2 × (15000 − round(15000 × 100 / 118)); food 30000 − round(30000 × 100 / 105).
        Assert.Equal(2 * (15_000 - 12_712) + (30_000 - 28_571), quote.TaxIncluded);
    }

    [Fact]
    public void Configured_rates_replace_indias()
    {
        var flat = new TaxOptions { TicketThreshold = 0, TicketRateUpToThreshold = 0, TicketRateAboveThreshold = 10, ConvenienceFeeRate = 0 };
        var quote = PriceCalculator.Quote("INR", [new TicketItem("A1", SeatCategory.Classic, 11_000)], [], [], Fee, flat);
        Assert.Equal(10_000, quote.Lines[0].TaxableValue);
        Assert.Equal(0, quote.FeeTax);
    }

    [Fact]
    public void Whatever_is_bought_every_line_and_the_whole_add_up_to_the_total()
    {
        var ticket = from price in Gen.Choose(0, 2_000_000)
                     from discount in Gen.Choose(0, 2_000_000)
                     select (Item: new TicketItem("A1", SeatCategory.Classic, price), Discount: (long)Math.Min(discount, price));
        var food = from quantity in Gen.Choose(1, 10)
                   from price in Gen.Choose(1, 100_000)
                   from rate in Gen.Elements(0m, 5m, 12m, 18m, 28m)
                   select new FoodItem(Guid.Empty, "Item", quantity, price, rate);
        var booking = from tickets in Gen.ListOf(ticket).Select(l => l.Take(10).ToList())
                      from items in Gen.ListOf(food).Select(l => l.Take(5).ToList())
                      from perTicket in Gen.Choose(0, 5_000)
                      from percent in Gen.Choose(0, 500)
                      select (tickets, items, fee: new ConvenienceFee(perTicket, percent / 100m));

        Prop.ForAll(booking.ToArbitrary(), b =>
        {
            var quote = PriceCalculator.Quote("INR", [.. b.tickets.Select(t => t.Item)], [.. b.tickets.Select(t => t.Discount)], b.items, b.fee, India);
            return quote.Lines.All(l => l.TaxableValue + l.Tax == l.Amount && l.Tax >= 0 && l.TaxableValue >= 0)
                && quote.Total == quote.Lines.Sum(l => l.Amount)
                && quote.Total == quote.Seats - quote.Discount + quote.Food + quote.ConvenienceFee + quote.FeeTax
                && quote.Lines.Count(l => l.Kind == PriceLineKind.Ticket) == b.tickets.Count;
        }).QuickCheckThrowOnFailure();
    }
}
