using System.Net;
using System.Text.Json;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Offers;

/// <summary>Offer codes: their terms, why one does not apply, and limits that hold under races, on every store.</summary>
public abstract class OffersApiTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;
    private readonly MovieBookingApp _app = fixture.App;

    private int _sequence;

    [Fact]
    public async Task A_percentage_code_takes_its_share_off_each_ticket_and_the_booking_is_paid_at_the_lower_total()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var code = await CreateAsync(a.Admin, new { discount = "PERCENT", percent = 20, cap = 10_000 });
        var (booking, oldPayment) = await PendingPaymentAsync(shoppers[0], show, "A1", "C1");
        var id = booking.GetProperty("id").GetString();

        using var applied = await shoppers[0].PostJsonAsync($"/api/bookings/{id}/offer", new { code = code.Code.ToLowerInvariant() });
        var discounted = await applied.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(code.Code, discounted.GetProperty("offerCode").GetString());
        // 20 % of ₹400 = ₹80, shared by price: ₹30 off the CLASSIC seat, ₹50 off the PRIME one.
        var price = discounted.GetProperty("price");
        Assert.Equal(8_000, price.GetProperty("discount").GetInt64());
        Assert.Equal([3_000L, 5_000L], price.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "TICKET")
            .Select(l => l.GetProperty("discount").GetInt64()));
        // Fee: 2 × ₹20 + 1.5 % of ₹320 = ₹44.80; its GST ₹8.06.
        Assert.Equal(4_480, price.GetProperty("convenienceFee").GetInt64());
        Assert.Equal(32_000 + 4_480 + 806, price.GetProperty("total").GetInt64());

        // The payment started before the code was for the old total: paid anyway, it is refunded in full and confirms nothing.
        await PayAsync(oldPayment.GetProperty("orderId").GetString()!, "success");
        var afterOld = await shoppers[0].GetJsonAsync($"/api/bookings/{id}");
        Assert.Equal("PENDING_PAYMENT", afterOld.GetProperty("status").GetString());
        var payments = await shoppers[0].GetJsonAsync($"/api/bookings/{id}/payments");
        Assert.Equal(oldPayment.GetProperty("amount").GetInt64(), payments[0].GetProperty("refund").GetProperty("amount").GetInt64());

        using var started = await shoppers[0].PostAsync(new Uri($"/api/bookings/{id}/payments", UriKind.Relative), null);
        var payment = await started.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(37_286, payment.GetProperty("amount").GetInt64());
        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal("CONFIRMED", (await shoppers[0].GetJsonAsync($"/api/bookings/{id}")).GetProperty("status").GetString());
        Assert.Equal(1, (await a.Admin.GetJsonAsync($"/api/offers/{code.Id}")).GetProperty("redemptions").GetInt32());

        // A paid booking's offer cannot change any more.
        using var late = await shoppers[0].DeleteAsync(new Uri($"/api/bookings/{id}/offer", UriKind.Relative));
        await late.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_code_that_does_not_apply_says_why_in_words_and_changes_nothing()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var now = _app.Time.GetUtcNow();
        var otherShow = (await FreshShowAsync()).Show;
        var cases = new (object Terms, string Reason)[]
        {
            (new { discount = "AMOUNT", amount = 5_000, paused = true }, "This offer is paused."),
            (new { discount = "AMOUNT", amount = 5_000, validFrom = now.AddDays(-10), validUntil = now.AddMinutes(-1) }, "This offer has expired."),
            (new { discount = "AMOUNT", amount = 5_000, validFrom = now.AddDays(1), validUntil = now.AddDays(10) }, "This offer has not started yet."),
            (new { discount = "AMOUNT", amount = 5_000, scope = new { showIds = new[] { otherShow } } }, "This offer is not valid for this show."),
            (new { discount = "AMOUNT", amount = 5_000, minTickets = 3 }, "This offer needs at least 3 tickets."),
            (new { discount = "AMOUNT", amount = 5_000, scope = new { categories = new[] { "PRIME" } } }, "This offer is not valid for these seats."),
            (new { discount = "FIXED_PRICE", amount = 50_000 }, "This offer takes nothing off these seats."),
            (new { discount = "AMOUNT", amount = 5_000, totalLimit = 1 }, "This offer has been fully redeemed."),
        };
        var (booking, _) = await PendingPaymentAsync(shoppers[1], show, "A2", "A3");
        var id = booking.GetProperty("id").GetString();
        var (taker, _) = await PendingPaymentAsync(shoppers[2], show, "B1");
        foreach (var (terms, reason) in cases)
        {
            var code = await CreateAsync(a.Admin, terms);
            if (reason == "This offer has been fully redeemed.")
            {
                using var first = await shoppers[2].PostJsonAsync($"/api/bookings/{taker.GetProperty("id").GetString()}/offer", new { code = code.Code });
                await first.ReadJsonAsync(HttpStatusCode.OK);
            }

            using var refused = await shoppers[1].PostJsonAsync($"/api/bookings/{id}/offer", new { code = code.Code });
            var problem = await refused.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(reason, problem.GetProperty("detail").GetString());
        }

        // An owner's code is for the owner's theatres only; another owner's show does not take it.
        var ownersCode = await CreateAsync(a.OtherOwner, new { discount = "AMOUNT", amount = 1_000 });
        using (var elsewhere = await shoppers[1].PostJsonAsync($"/api/bookings/{id}/offer", new { code = ownersCode.Code }))
        {
            Assert.Equal("This offer is not valid for this show.", (await elsewhere.ReadProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        }

        using (var unknown = await shoppers[1].PostJsonAsync($"/api/bookings/{id}/offer", new { code = "NO-SUCH-CODE" }))
        {
            Assert.Equal("No offer has this code.", (await unknown.ReadProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        }

        var unchanged = await shoppers[1].GetJsonAsync($"/api/bookings/{id}");
        Assert.Equal(booking.GetProperty("price").GetProperty("total").GetInt64(), unchanged.GetProperty("price").GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("offerCode").ValueKind);

        // Someone else's booking is not found; a missing code is a 400.
        using (var theirs = await shoppers[3].PostJsonAsync($"/api/bookings/{id}/offer", new { code = ownersCode.Code }))
        {
            await theirs.ReadProblemAsync(HttpStatusCode.NotFound);
        }

        using var empty = await shoppers[1].PostJsonAsync($"/api/bookings/{id}/offer", new { });
        Assert.True((await empty.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("code", out _));
    }

    [Fact]
    public async Task A_code_limited_to_10_is_redeemed_exactly_10_times_by_50_customers_at_once()
    {
        var a = await _fixture.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = "Audi Race", rows = CatalogBuilder.Layout(rows: 5, seatsPerRow: 10) });
        var show = await a.Catalog.ShowAsync(screen, startsAt: _app.Time.GetUtcNow().AddDays(3));
        var customers = (await _fixture.ShoppersAsync()).Concat(await Shoppers.CreateAsync(_app, 10)).ToArray();
        var code = await CreateAsync(a.Admin, new { discount = "AMOUNT", amount = 2_000, totalLimit = 10 });
        var seats = (await SeatMapAsync(show)).Keys.ToArray();
        var bookings = await Task.WhenAll(customers.Select(async (c, i) => (Client: c, Booking: await BookAsync(c, await HoldAsync(c, show, seats[i])))));

        var answers = await Task.WhenAll(bookings.Select(async b =>
        {
            using var response = await b.Client.PostJsonAsync($"/api/bookings/{b.Booking.GetProperty("id").GetString()}/offer", new { code = code.Code });
            return response.StatusCode;
        }));

        Assert.Equal(10, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40, answers.Count(s => s == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(10, (await a.Admin.GetJsonAsync($"/api/offers/{code.Id}")).GetProperty("redemptions").GetInt32());
        var discounted = 0;
        foreach (var (client, booking) in bookings)
        {
            var now = await client.GetJsonAsync($"/api/bookings/{booking.GetProperty("id").GetString()}");
            discounted += now.GetProperty("price").GetProperty("discount").GetInt64() > 0 ? 1 : 0;
        }

        Assert.Equal(10, discounted);
    }

    [Fact]
    public async Task A_redemption_is_given_back_when_its_booking_is_cancelled_unpaid_or_expires_and_kept_once_paid()
    {
        var a = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var customer = shoppers[4];
        var code = await CreateAsync(a.Admin, new { discount = "AMOUNT", amount = 1_000, perUserLimit = 1 });
        var first = (await PendingPaymentAsync(customer, show, "A4")).Booking.GetProperty("id").GetString();
        var second = (await PendingPaymentAsync(customer, show, "A5")).Booking.GetProperty("id").GetString();
        await ApplyAsync(customer, first, code.Code, HttpStatusCode.OK);
        var refused = await ApplyAsync(customer, second, code.Code, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("You have used this offer as often as it allows (1 time).", refused.GetProperty("detail").GetString());

        // Removing it gives it back; so does cancelling the unpaid booking.
        using (var removed = await customer.DeleteAsync(new Uri($"/api/bookings/{first}/offer", UriKind.Relative)))
        {
            Assert.Equal(0, (await removed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("price").GetProperty("discount").GetInt64());
        }

        await ApplyAsync(customer, second, code.Code, HttpStatusCode.OK);
        using (var cancelled = await customer.PostAsync(new Uri($"/api/bookings/{second}/cancel", UriKind.Relative), null))
        {
            await cancelled.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(0, (await a.Admin.GetJsonAsync($"/api/offers/{code.Id}")).GetProperty("redemptions").GetInt32());
        await ApplyAsync(customer, first, code.Code, HttpStatusCode.OK);

        // Expiry gives it back too: the clock passes the booking's expiry (its payment's start made it five minutes later).
        _app.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(0, (await a.Admin.GetJsonAsync($"/api/offers/{code.Id}")).GetProperty("redemptions").GetInt32());

        // Paid, it stays counted, even after the paid booking is cancelled.
        var (paid, payment) = await PendingPaymentAsync(customer, show, "B4");
        var paidId = paid.GetProperty("id").GetString();
        await ApplyAsync(customer, paidId, code.Code, HttpStatusCode.OK);
        using (var restarted = await customer.PostAsync(new Uri($"/api/bookings/{paidId}/payments", UriKind.Relative), null))
        {
            payment = await restarted.ReadJsonAsync(HttpStatusCode.Created);
        }

        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        using (var cancelled = await customer.PostAsync(new Uri($"/api/bookings/{paidId}/cancel", UriKind.Relative), null))
        {
            await cancelled.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(1, (await a.Admin.GetJsonAsync($"/api/offers/{code.Id}")).GetProperty("redemptions").GetInt32());
        var third = (await PendingPaymentAsync(customer, show, "B5")).Booking.GetProperty("id").GetString();
        await ApplyAsync(customer, third, code.Code, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Owners_keep_codes_for_their_own_theatres_and_bad_terms_are_400s()
    {
        var a = await _fixture.ActorsAsync();
        var mine = await a.Catalog.TheatreAsync(a.OwnerId);
        var theirs = await a.Catalog.TheatreAsync((await a.OtherOwner.GetJsonAsync("/api/users/me")).GetProperty("id").GetString()!);
        var code = await CreateAsync(a.Owner, new { discount = "FIXED_PRICE", amount = 9_900, scope = new { theatreIds = new[] { mine } } });
        Assert.Equal(a.OwnerId, code.Body.GetProperty("ownerId").GetString());

        using (var foreign = await a.Owner.PostJsonAsync("/api/offers", Terms(new { discount = "AMOUNT", amount = 100, scope = new { theatreIds = new[] { theirs } } })))
        {
            Assert.True((await foreign.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("scope.theatreIds", out _));
        }

        foreach (var (terms, field) in new (object, string)[]
        {
            (new { discount = "PERCENT" }, "percent"),
            (new { discount = "PERCENT", percent = 150 }, "percent"),
            (new { discount = "AMOUNT" }, "amount"),
            (new { discount = "AMOUNT", amount = 100, cap = 50 }, "cap"),
            (new { discount = "AMOUNT", amount = 100, validFrom = _app.Time.GetUtcNow().AddDays(2), validUntil = _app.Time.GetUtcNow().AddDays(1) }, "validUntil"),
            (new { discount = "AMOUNT", amount = 100, minTickets = 0 }, "minTickets"),
            (new { discount = "AMOUNT", amount = 100, totalLimit = 0 }, "totalLimit"),
            (new { discount = "HALF_OFF" }, "discount"),
        })
        {
            using var bad = await a.Admin.PostJsonAsync("/api/offers", Terms(terms));
            var errors = (await bad.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.Ordinal)), $"{field}: {errors}");
        }

        using (var bad = await a.Admin.PostJsonAsync("/api/offers", Terms(new { discount = "AMOUNT", amount = 100 }, "not a code!")))
        {
            Assert.True((await bad.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("code", out _));
        }

        using (var taken = await a.Admin.PostJsonAsync("/api/offers", Terms(new { discount = "AMOUNT", amount = 100 }, code.Code.ToLowerInvariant())))
        {
            await taken.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        // Each sees their own; a stranger's code is not found; customers may not manage codes.
        var listed = await a.Owner.GetJsonAsync("/api/offers?pageSize=100");
        Assert.All(listed.GetProperty("items").EnumerateArray(), o => Assert.Equal(a.OwnerId, o.GetProperty("ownerId").GetString()));
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), o => o.GetProperty("code").GetString() == code.Code);
        await a.OtherOwner.GetProblemAsync($"/api/offers/{code.Id}", HttpStatusCode.NotFound);
        await a.User.GetProblemAsync("/api/offers", HttpStatusCode.Forbidden);
        await a.Anonymous.GetProblemAsync("/api/offers", HttpStatusCode.Unauthorized);

        // Pausing is a change of terms; the code itself cannot change.
        using (var paused = await a.Owner.PutJsonAsync($"/api/offers/{code.Id}", Terms(new { discount = "FIXED_PRICE", amount = 9_900, paused = true }, code.Code)))
        {
            Assert.True((await paused.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("paused").GetBoolean());
        }

        using var renamed = await a.Owner.PutJsonAsync($"/api/offers/{code.Id}", Terms(new { discount = "FIXED_PRICE", amount = 9_900 }, "RENAMED-CODE"));
        Assert.True((await renamed.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("code", out _));
    }

    private sealed record Created(string Id, string Code, JsonElement Body);

    private async Task<Created> CreateAsync(HttpClient creator, object terms)
    {
        using var response = await creator.PostJsonAsync("/api/offers", Terms(terms));
        var body = await response.ReadJsonAsync(HttpStatusCode.Created);
        return new Created(body.GetProperty("id").GetString()!, body.GetProperty("code").GetString()!, body);
    }

    /// <summary>The terms given, over defaults: a fresh code, valid from a day ago for thirty days.</summary>
    private Dictionary<string, object?> Terms(object terms, string? code = null)
    {
        var now = _app.Time.GetUtcNow();
        var body = new Dictionary<string, object?>
        {
            ["code"] = code ?? $"T{Guid.NewGuid():N}"[..12].ToUpperInvariant() + Interlocked.Increment(ref _sequence),
            ["validFrom"] = now.AddDays(-1),
            ["validUntil"] = now.AddDays(30),
        };
        foreach (var property in JsonSerializer.SerializeToElement(terms, HttpAssertions.Json).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }

        return body;
    }

    private static async Task<JsonElement> ApplyAsync(HttpClient customer, string? bookingId, string code, HttpStatusCode expected)
    {
        using var response = await customer.PostJsonAsync($"/api/bookings/{bookingId}/offer", new { code });
        return expected == HttpStatusCode.OK ? await response.ReadJsonAsync(expected) : await response.ReadProblemAsync(expected);
    }
}

public sealed class SqliteOffersApiTests(SqliteAppFixture fixture) : OffersApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresOffersApiTests(PostgresAppFixture fixture) : OffersApiTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class RedisOffersApiTests(RedisAppFixture fixture) : OffersApiTests(fixture), IClassFixture<RedisAppFixture>;
