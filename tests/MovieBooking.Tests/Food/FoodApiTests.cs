using System.Net;
using System.Text.Json;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Food;

/// <summary>Food and drink: theatres' menus, orders with bookings, and stock that holds under races, on every store.</summary>
public abstract class FoodApiTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;

    [Fact]
    public async Task Food_ordered_with_a_booking_is_priced_with_its_gst_kept_beside_an_offer_and_shown_on_the_ticket()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers, theatre) = await ShowWithTheatreAsync();
        var popcorn = await AddItemAsync(a.Owner, theatre, new { name = "Popcorn (large)", kind = "ITEM", price = 25_000, veg = true, stockPerShow = 100 });
        var combo = await AddItemAsync(a.Owner, theatre, new { name = "Date night combo", kind = "COMBO", price = 52_500, taxRate = 5, veg = false });
        var menu = await a.Anonymous.GetJsonAsync($"/api/shows/{show}/menu");
        Assert.Equal([combo, popcorn], menu.EnumerateArray().Select(i => i.GetProperty("id").GetString()).OrderBy(i => i == popcorn));
        Assert.Equal(100, menu.EnumerateArray().Single(i => i.GetProperty("id").GetString() == popcorn).GetProperty("left").GetInt32());
        Assert.Equal(JsonValueKind.Null, menu.EnumerateArray().Single(i => i.GetProperty("id").GetString() == combo).GetProperty("left").ValueKind);

        var (booking, _) = await PendingPaymentAsync(shoppers[0], show, "A1");
        var id = booking.GetProperty("id").GetString();
        var priced = await OrderAsync(shoppers[0], id, HttpStatusCode.OK, (popcorn, 2), (combo, 1));
        var price = priced.GetProperty("price");
        Assert.Equal(2 * 25_000 + 52_500, price.GetProperty("food").GetInt64());
        var foodLines = price.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "FOOD").ToList();
        Assert.Equal(["Date night combo", "Popcorn (large)"], foodLines.Select(l => l.GetProperty("description").GetString()));
        // ₹500 for two at 5 %, GST included: taxable round(50000 × 100 / 105) = 47619.
        Assert.Equal((2, 50_000L, 47_619L, 2_381L), (foodLines[1].GetProperty("quantity").GetInt32(), foodLines[1].GetProperty("amount").GetInt64(),
            foodLines[1].GetProperty("taxableValue").GetInt64(), foodLines[1].GetProperty("tax").GetInt64()));
        Assert.Equal(booking.GetProperty("price").GetProperty("total").GetInt64() + 102_500, price.GetProperty("total").GetInt64());

        // An offer applied after the food keeps it; food changed after the offer keeps the discount.
        var code = await OfferAsync(a.Admin);
        using (var applied = await shoppers[0].PostJsonAsync($"/api/bookings/{id}/offer", new { code }))
        {
            Assert.Equal(102_500, (await applied.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("price").GetProperty("food").GetInt64());
        }

        var changed = await OrderAsync(shoppers[0], id, HttpStatusCode.OK, (popcorn, 1));
        Assert.Equal(1_000, changed.GetProperty("price").GetProperty("discount").GetInt64());
        Assert.Equal(25_000, changed.GetProperty("price").GetProperty("food").GetInt64());

        using (var started = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null))
        {
            var payment = await started.ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(changed.GetProperty("price").GetProperty("total").GetInt64(), payment.GetProperty("amount").GetInt64());
            await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        }

        var ticket = await shoppers[0].GetJsonAsync($"/api/bookings/{id}/ticket");
        var food = Assert.Single(ticket.GetProperty("food").EnumerateArray());
        Assert.Equal(("Popcorn (large)", 1), (food.GetProperty("name").GetString(), food.GetProperty("quantity").GetInt32()));
        await OrderAsync(shoppers[0], id, HttpStatusCode.Conflict, (popcorn, 2));
    }

    [Fact]
    public async Task An_item_with_a_stock_of_5_ordered_by_20_customers_at_once_sells_exactly_5_and_gets_them_back_from_cancelled_bookings()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers, theatre) = await ShowWithTheatreAsync(rows: 4);
        var samosa = await AddItemAsync(a.Owner, theatre, new { name = "Samosa", kind = "ITEM", price = 8_000, veg = true, stockPerShow = 5 });
        var seats = (await SeatMapAsync(show)).Keys.ToArray();
        var bookings = await Task.WhenAll(shoppers.Take(20).Select(async (c, i) => (Client: c, Id: (await BookAsync(c, await HoldAsync(c, show, seats[i]))).GetProperty("id").GetString())));

        var answers = await Task.WhenAll(bookings.Select(async b =>
        {
            using var response = await b.Client.PutJsonAsync($"/api/bookings/{b.Id}/food", new { items = new[] { new { itemId = samosa, quantity = 1 } } });
            return (b.Client, b.Id, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(5, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(15, answers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var refused = answers.First(r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("Samosa has sold out for this show.", refused.Body, StringComparison.Ordinal);
        Assert.Equal(0, await LeftAsync(a.Anonymous, show, samosa));

        // A cancelled booking gives its samosa back; then one more customer gets it.
        var winner = answers.First(r => r.StatusCode == HttpStatusCode.OK);
        using (var cancelled = await winner.Client.PostAsync(new Uri($"/api/bookings/{winner.Id}/cancel", UriKind.Relative), null))
        {
            await cancelled.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(1, await LeftAsync(a.Anonymous, show, samosa));
        await OrderAsync(refused.Client, refused.Id, HttpStatusCode.OK, (samosa, 1));
        Assert.Equal(0, await LeftAsync(a.Anonymous, show, samosa));

        // Expired bookings give theirs back too.
        _app.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(5, await LeftAsync(a.Anonymous, show, samosa));
    }

    [Fact]
    public async Task Bad_orders_and_menus_are_400s_and_only_the_theatres_owner_keeps_its_menu()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers, theatre) = await ShowWithTheatreAsync();
        var otherTheatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var tea = await AddItemAsync(a.Owner, theatre, new { name = "Masala chai", kind = "ITEM", price = 6_000, veg = true });
        var elsewhere = await AddItemAsync(a.Owner, otherTheatre, new { name = "Cold coffee", kind = "ITEM", price = 9_000, veg = true });
        var (booking, _) = await PendingPaymentAsync(shoppers[5], show, "C2");
        var id = booking.GetProperty("id").GetString();

        foreach (var (body, field) in new (object, string)[]
        {
            (new { items = new[] { new { itemId = elsewhere, quantity = 1 } } }, "items[0].itemId"),
            (new { items = new[] { new { itemId = Guid.CreateVersion7().ToString(), quantity = 1 } } }, "items[0].itemId"),
            (new { items = new[] { new { itemId = tea, quantity = 0 } } }, "items[0].quantity"),
            (new { items = new[] { new { itemId = tea, quantity = 11 } } }, "items"),
            (new { items = new[] { new { itemId = tea, quantity = 1 }, new { itemId = tea, quantity = 1 } } }, "items[1].itemId"),
            (new { }, "items"),
        })
        {
            using var response = await shoppers[5].PutJsonAsync($"/api/bookings/{id}/food", body);
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        Assert.Equal(0, (await shoppers[5].GetJsonAsync($"/api/bookings/{id}")).GetProperty("price").GetProperty("food").GetInt64());
        await OrderAsync(shoppers[6], id, HttpStatusCode.NotFound, (tea, 1));

        var item = new { name = "Nachos", kind = "ITEM", price = 15_000, veg = true };
        using (var stranger = await a.OtherOwner.PostJsonAsync($"/api/theatres/{theatre}/menu", item))
        {
            await stranger.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var customer = await a.User.PostJsonAsync($"/api/theatres/{theatre}/menu", item))
        {
            await customer.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var free = await a.Owner.PostJsonAsync($"/api/theatres/{theatre}/menu", new { name = "Water", kind = "ITEM", price = 0, veg = true }))
        {
            Assert.True((await free.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("price", out _));
        }

        // Withdrawn, an item leaves the menu and cannot be ordered; its owner may still not be a stranger.
        using (var withdrawn = await a.OtherOwner.DeleteAsync(new Uri($"/api/menu/{tea}", UriKind.Relative)))
        {
            await withdrawn.ReadProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var withdrawn = await a.Owner.DeleteAsync(new Uri($"/api/menu/{tea}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        Assert.DoesNotContain((await a.Anonymous.GetJsonAsync($"/api/theatres/{theatre}/menu")).EnumerateArray(), i => i.GetProperty("id").GetString() == tea);
        await OrderAsync(shoppers[5], id, HttpStatusCode.BadRequest, (tea, 1));

        // Unknown ids are 404s; a bad change to an item is a 400 that leaves it as it was.
        await a.Anonymous.GetProblemAsync($"/api/shows/{Guid.CreateVersion7()}/menu", HttpStatusCode.NotFound);
        await a.Anonymous.GetProblemAsync($"/api/theatres/{Guid.CreateVersion7()}/menu", HttpStatusCode.NotFound);
        await (await a.Owner.PutJsonAsync($"/api/menu/{tea}", item)).ReadProblemAsync(HttpStatusCode.NotFound);
        using (var badChange = await a.Owner.PutJsonAsync($"/api/menu/{elsewhere}", new { name = "Cold coffee", kind = "ITEM", price = 9_000, veg = true, taxRate = 80 }))
        {
            Assert.True((await badChange.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("taxRate", out _));
        }

        Assert.Equal(5m, (await a.Anonymous.GetJsonAsync($"/api/theatres/{otherTheatre}/menu")).EnumerateArray()
            .Single(i => i.GetProperty("id").GetString() == elsewhere).GetProperty("taxRate").GetDecimal());
    }

    private async Task<(string Show, HttpClient[] Shoppers, string Theatre)> ShowWithTheatreAsync(int rows = 3)
    {
        var a = await _fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = $"Audi F{Guid.NewGuid():N}"[..12], rows = CatalogBuilder.Layout(rows: rows) });
        return (await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddDays(3)), await _fixture.ShoppersAsync(), theatre);
    }

    private static async Task<string> AddItemAsync(HttpClient owner, string theatre, object item)
    {
        using var response = await owner.PostJsonAsync($"/api/theatres/{theatre}/menu", item);
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> OrderAsync(HttpClient customer, string? bookingId, HttpStatusCode expected, params (string ItemId, int Quantity)[] items)
    {
        using var response = await customer.PutJsonAsync($"/api/bookings/{bookingId}/food", new { items = items.Select(i => new { itemId = i.ItemId, quantity = i.Quantity }) });
        return expected == HttpStatusCode.OK ? await response.ReadJsonAsync(expected) : await response.ReadProblemAsync(expected);
    }

    private static async Task<int> LeftAsync(HttpClient anonymous, string show, string item) =>
        (await anonymous.GetJsonAsync($"/api/shows/{show}/menu")).EnumerateArray().Single(i => i.GetProperty("id").GetString() == item).GetProperty("left").GetInt32();

    private async Task<string> OfferAsync(HttpClient admin)
    {
        var code = $"FOOD{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        using var response = await admin.PostJsonAsync("/api/offers", new
        {
            code,
            discount = "AMOUNT",
            amount = 1_000,
            validFrom = _app.Time.GetUtcNow().AddDays(-1),
            validUntil = _app.Time.GetUtcNow().AddDays(10),
        });
        await response.ReadJsonAsync(HttpStatusCode.Created);
        return code;
    }
}

public sealed class SqliteFoodApiTests(SqliteAppFixture fixture) : FoodApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresFoodApiTests(PostgresAppFixture fixture) : FoodApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisFoodApiTests(RedisAppFixture fixture) : FoodApiTests(fixture), IClassFixture<RedisAppFixture>;
