using System.Net;
using System.Text.Json;
using MovieBooking.Api.Pricing;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Invoices;

/// <summary>GST tax invoices and credit notes: numbered per theatre without gaps under concurrent confirmations, on every database.</summary>
public abstract class InvoicesApiTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task Twenty_bookings_confirmed_at_once_get_invoice_numbers_1_to_20_of_their_theatre()
    {
        var a = await _fixture.ActorsAsync();
        var shoppers = await _fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = "Audi Invoices", rows = CatalogBuilder.Layout(rows: 4) });
        var show = await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddDays(3));
        var seats = (await SeatMapAsync(show)).Keys.ToArray();
        var pending = await Task.WhenAll(shoppers.Take(20).Select(async (c, i) => (Client: c, Pending: await PendingPaymentAsync(c, show, seats[i]))));

        await Task.WhenAll(pending.Select(p => PayAsync(p.Pending.Payment.GetProperty("orderId").GetString()!, "success")));

        var numbers = new List<string>();
        foreach (var (client, (booking, _)) in pending)
        {
            numbers.Add((await client.GetJsonAsync($"/api/bookings/{booking.GetProperty("id").GetString()}/invoice")).GetProperty("invoice").GetProperty("number").GetString()!);
        }

        var series = $"INV-{Guid.Parse(theatre).ToString("N")[^8..].ToUpperInvariant()}-";
        Assert.All(numbers, n => Assert.StartsWith(series, n, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 20), numbers.Select(n => int.Parse(n[series.Length..], System.Globalization.CultureInfo.InvariantCulture)).Order());
    }

    [Fact]
    public async Task The_invoice_itemises_each_line_with_its_tax_and_a_refund_brings_a_credit_note_against_it()
    {
        var a = await _fixture.ActorsAsync();
        var shoppers = await _fixture.ShoppersAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var show = await a.Catalog.ShowAsync(await a.Catalog.ScreenAsync(theatre), startsAt: _app.Time.GetUtcNow().AddDays(3));
        using var menu = await a.Owner.PostJsonAsync($"/api/theatres/{theatre}/menu", new { name = "Cold drink", kind = "ITEM", price = 12_000, veg = true });
        var drink = (await menu.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var customer = shoppers[21];
        var booking = await BookAsync(customer, await HoldAsync(customer, show, "A1", "C1"));
        var id = booking.GetProperty("id").GetString();
        await customer.GetProblemAsync($"/api/bookings/{id}/invoice", HttpStatusCode.NotFound);
        using (var food = await customer.PutJsonAsync($"/api/bookings/{id}/food", new { items = new[] { new { itemId = drink, quantity = 1 } } }))
        {
            await food.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var started = await customer.PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            await PayAsync((await started.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("orderId").GetString()!, "success");
        }

        var paid = await customer.GetJsonAsync($"/api/bookings/{id}");
        var document = await customer.GetJsonAsync($"/api/bookings/{id}/invoice");
        var invoice = document.GetProperty("invoice");
        Assert.Equal("INVOICE", invoice.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("creditNote").ValueKind);
        Assert.Contains("@", invoice.GetProperty("buyer").GetProperty("email").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Test Theatre", invoice.GetProperty("seller").GetProperty("name").GetString(), StringComparison.Ordinal);
        var lines = invoice.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["TICKET", "TICKET", "FOOD", "CONVENIENCE_FEE"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.All(lines, l => Assert.Equal(l.GetProperty("amount").GetInt64(), l.GetProperty("taxableValue").GetInt64() + l.GetProperty("tax").GetInt64()));
        Assert.Equal(paid.GetProperty("price").GetProperty("total").GetInt64(), invoice.GetProperty("total").GetInt64());
        Assert.Equal(invoice.GetProperty("total").GetInt64(), invoice.GetProperty("taxableValue").GetInt64() + invoice.GetProperty("tax").GetInt64());
        await shoppers[22].GetProblemAsync($"/api/bookings/{id}/invoice", HttpStatusCode.NotFound);

        // Cancelled three days ahead: 25 % of the tickets kept, the drink given back in full; the credit note says so.
        using (var cancel = await customer.PostAsync(new Uri($"/api/bookings/{id}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        var credit = (await customer.GetJsonAsync($"/api/bookings/{id}/invoice")).GetProperty("creditNote");
        Assert.Equal("CREDIT_NOTE", credit.GetProperty("kind").GetString());
        Assert.Equal(invoice.GetProperty("number").GetString(), credit.GetProperty("againstInvoice").GetString());
        Assert.StartsWith("CN-", credit.GetProperty("number").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("-000001", credit.GetProperty("number").GetString(), StringComparison.Ordinal);
        var refunded = (40_000 - 10_000) + 12_000;
        Assert.Equal(refunded, credit.GetProperty("total").GetInt64());
        var creditLines = credit.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(12_000, creditLines.Single(l => l.GetProperty("kind").GetString() == "FOOD").GetProperty("amount").GetInt64());
        Assert.Equal(30_000, creditLines.Where(l => l.GetProperty("kind").GetString() == "TICKET").Sum(l => l.GetProperty("amount").GetInt64()));
        Assert.All(creditLines, l => Assert.Equal(l.GetProperty("amount").GetInt64(), l.GetProperty("taxableValue").GetInt64() + l.GetProperty("tax").GetInt64()));
    }

    [Fact]
    public void A_credit_note_gives_back_food_first_then_tickets_by_what_each_cost_then_the_fee()
    {
        var quote = PriceCalculator.Quote("INR",
            [new TicketItem("A1", Api.Catalog.SeatCategory.Classic, 15_000), new TicketItem("C1", Api.Catalog.SeatCategory.Prime, 25_000)], [],
            [new FoodItem(Guid.Empty, "Cold drink", 1, 12_000, 5m)], new ConvenienceFee(2_000, 1.5m), new TaxOptions());
        var all = Api.Invoices.InvoicesApi.CreditLines(quote.Lines, quote.Total);
        Assert.Equal(quote.Lines, all);
        var part = Api.Invoices.InvoicesApi.CreditLines(quote.Lines, 12_000 + 20_000);
        Assert.Equal([7_500L, 12_500L, 12_000L], part.Select(l => l.Amount));
        Assert.Equal(0, part.Count(l => l.Kind == PriceLineKind.ConvenienceFee));
    }
}

public sealed class SqliteInvoicesApiTests(SqliteAppFixture fixture) : InvoicesApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresInvoicesApiTests(PostgresAppFixture fixture) : InvoicesApiTests(fixture), IClassFixture<PostgresAppFixture>;
