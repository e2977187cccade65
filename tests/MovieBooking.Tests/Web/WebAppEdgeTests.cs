using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using MovieBooking.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace MovieBooking.Tests.Web;

/// <summary>The service with holds that last seconds, so a lapse can be watched on the page.</summary>
public sealed class ShortHoldsBrowserFixture : BrowserFixture
{
    public static readonly TimeSpan HoldTtl = TimeSpan.FromSeconds(8);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Booking__HoldTtl"] = HoldTtl.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>What goes wrong on the page, told in words: a lapsed hold, a seat taken meanwhile; and cancelling.</summary>
public sealed class WebAppEdgeTests(ShortHoldsBrowserFixture browser) : IClassFixture<ShortHoldsBrowserFixture>
{
    [Fact]
    public async Task A_hold_that_lapses_says_so_and_clears_the_selection()
    {
        var show = await ShowAsync();
        await using var visitor = await browser.NewSessionAsync(BrowserFixture.Phone);
        var page = visitor.Page;
        await page.GotoAsync($"/shows/{show}");
        var seat = await visitor.FreeSeatAsync();
        var seatId = await seat.GetAttributeAsync("data-id");
        await seat.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold this seat" }).ClickAsync();
        await visitor.SignInThroughDialogAsync(Accounts.UserEmail, Accounts.UserPassword);
        await Expect(page.Locator("#countdown")).ToContainTextAsync("Held for 0:0");

        await Expect(page.Locator("#panel")).ToContainTextAsync($"Your hold on {seatId} ran out", new() { Timeout = 15_000 });
        await Expect(page.Locator($".seat[data-id='{seatId}']")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator($".seat[data-id='{seatId}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("status-AVAILABLE"));
        Assert.Empty(visitor.Errors);
    }

    [Fact]
    public async Task A_seat_taken_before_the_hold_lands_is_named_in_words_and_nothing_is_held()
    {
        var show = await ShowAsync();
        await using var visitor = await browser.NewSessionAsync();
        var page = visitor.Page;
        // This page hears only the seat map as it is now, so it cannot know that someone else takes a seat.
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var map = await http.GetFromJsonAsync<JsonElement>($"/api/shows/{show}/seats");
        var stale = $"id: 1\nevent: snapshot\ndata: {{\"version\":1,{map.GetRawText()[1..]}\n\n";
        await page.RouteAsync("**/seats/stream", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/event-stream", Body = stale }));
        await page.GotoAsync($"/shows/{show}");
        var seatId = await (await visitor.FreeSeatAsync()).GetAttributeAsync("data-id");
        await page.Locator($".seat[data-id='{seatId}']").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Hold this seat" }).ClickAsync();

        using var other = await SignedInApiAsync(Accounts.AdminEmail, Accounts.AdminPassword);
        using (var taken = await other.PostAsJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { seatId } }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, taken.StatusCode);
        }

        await visitor.SignInThroughDialogAsync(Accounts.UserEmail, Accounts.UserPassword);
        await Expect(page.Locator("#panel [role=alert]")).ToHaveTextAsync($"Sorry, seat {seatId} was just taken. Nothing was held; please choose again.");
        await Expect(page.Locator("#countdown")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_paid_booking_is_cancelled_from_my_bookings_with_its_refund_shown_first()
    {
        var show = await ShowAsync();
        using var api = await SignedInApiAsync(Accounts.UserEmail, Accounts.UserPassword);
        var hold = await (await api.PostAsJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "A9" } })).Content.ReadFromJsonAsync<JsonElement>();
        var booking = await (await api.PostAsJsonAsync("/api/bookings", new { holdId = hold.GetProperty("holdId").GetString() })).Content.ReadFromJsonAsync<JsonElement>();
        var bookingId = booking.GetProperty("id").GetString();
        var payment = await (await api.PostAsync(new Uri($"/api/bookings/{bookingId}/payments", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
        var paid = await (await api.PostAsJsonAsync($"/api/sandbox/orders/{payment.GetProperty("orderId").GetString()}/pay", new { outcome = "success" })).Content.ReadFromJsonAsync<JsonElement>();
        using (var verified = await api.PostAsJsonAsync("/api/payments/verify", new
        {
            orderId = paid.GetProperty("orderId").GetString(),
            paymentId = paid.GetProperty("paymentId").GetString(),
            signature = paid.GetProperty("signature").GetString(),
        }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, verified.StatusCode);
        }

        await using var visitor = await browser.NewSessionAsync(BrowserFixture.Phone);
        var page = visitor.Page;
        await page.GotoAsync("/bookings");
        await visitor.SignInThroughDialogAsync(Accounts.UserEmail, Accounts.UserPassword);
        var card = page.Locator($".booking[data-id='{bookingId}']");
        await Expect(card).ToContainTextAsync("Confirmed");
        // The refund the page states is the one the service quotes by the theatre's cancellation policy now.
        var quote = await api.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}/cancellation");
        var quoted = quote.GetProperty("refund").GetInt64();
        var expectedRefund = $"₹{(quoted / 100m).ToString("#,##0.##", System.Globalization.CultureInfo.InvariantCulture)}";
        var tier = quote.GetProperty("tier").GetProperty("description").GetString()!;
        string? question = null;
        page.Dialog += async (_, dialog) =>
        {
            question = dialog.Message;
            await dialog.AcceptAsync();
        };
        await card.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();

        await Expect(page.Locator("[role=status]").First).ToContainTextAsync($"Cancelled. {expectedRefund} is on its way back to you.");
        Assert.Contains($"You will get {expectedRefund} back", question, StringComparison.Ordinal);
        Assert.Contains(tier, question, StringComparison.Ordinal);
        await Expect(page.Locator($".booking[data-id='{bookingId}']")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Cancelled|Refunded"));
        Assert.Empty(visitor.Errors);
    }

    [Fact]
    public async Task The_seat_map_recovers_by_itself_after_the_connection_drops()
    {
        var show = await ShowAsync();
        await using var visitor = await browser.NewSessionAsync();
        await visitor.KeepingEvidenceAsync(nameof(The_seat_map_recovers_by_itself_after_the_connection_drops), async () =>
        {
            var page = visitor.Page;
            await page.GotoAsync($"/shows/{show}");
            await Expect(page.Locator(".seat").First).ToBeVisibleAsync();

            // The instance goes away (a crash, a deploy) and comes back: the page notices and reconnects by itself.
            var restart = browser.Service.RestartAsync();
            await Expect(page.Locator("#connection")).ToContainTextAsync("reconnecting", new() { Timeout = 10_000 });
            await restart;
            await Expect(page.Locator("#connection")).ToHaveTextAsync("", new() { Timeout = 20_000 });

            using var http = new HttpClient { BaseAddress = browser.BaseAddress };
            using var login = await http.PostAsJsonAsync("/api/auth/login", new { email = Accounts.OwnerEmail, password = Accounts.OwnerPassword });
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
                (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
            var seatId = await (await visitor.FreeSeatAsync()).GetAttributeAsync("data-id");
            using (var hold = await http.PostAsJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { seatId } }))
            {
                Assert.Equal(System.Net.HttpStatusCode.Created, hold.StatusCode);
            }

            await Expect(page.Locator($".seat[data-id='{seatId}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("status-HELD"));
        });
    }

    private async Task<string> ShowAsync()
    {
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var movie = (await http.GetFromJsonAsync<JsonElement>("/api/movies")).GetProperty("items")[1].GetProperty("id").GetString();
        var theatres = await http.GetFromJsonAsync<JsonElement>($"/api/movies/{movie}/shows");
        var shows = theatres[0].GetProperty("shows");
        return shows[shows.GetArrayLength() - 1].GetProperty("id").GetString()!;
    }

    private async Task<HttpClient> SignedInApiAsync(string email, string password)
    {
        var http = new HttpClient { BaseAddress = browser.BaseAddress };
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return http;
    }
}

/// <summary>The service allowing one hold a minute per person, so the page meets a 429.</summary>
public sealed class OneHoldAMinuteBrowserFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimiting__Holds__PermitLimit"] = "1",
        ["RateLimiting__Holds__Window"] = "00:01:00",
    };
}

public sealed class WebAppRateLimitTests(OneHoldAMinuteBrowserFixture browser) : IClassFixture<OneHoldAMinuteBrowserFixture>
{
    [Fact]
    public async Task Too_many_holds_are_told_in_words_with_a_way_to_try_again()
    {
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        var movie = (await http.GetFromJsonAsync<JsonElement>("/api/movies")).GetProperty("items")[2].GetProperty("id").GetString();
        var show = (await http.GetFromJsonAsync<JsonElement>($"/api/movies/{movie}/shows"))[0].GetProperty("shows")[0].GetProperty("id").GetString();
        await using var visitor = await browser.NewSessionAsync();
        await visitor.KeepingEvidenceAsync(nameof(Too_many_holds_are_told_in_words_with_a_way_to_try_again), async () =>
        {
            var page = visitor.Page;
            await page.GotoAsync($"/shows/{show}");
            await (await visitor.FreeSeatAsync()).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Hold this seat" }).ClickAsync();
            await visitor.SignInThroughDialogAsync(Accounts.UserEmail, Accounts.UserPassword);
            await Expect(page.Locator("#countdown")).ToContainTextAsync("Held for");

            // A second hold within the minute: the service says wait, and the page says so in words.
            await page.ReloadAsync();
            await (await visitor.FreeSeatAsync()).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Hold this seat" }).ClickAsync();
            await Expect(page.Locator("#panel [role=alert]")).ToContainTextAsync("Too many attempts. Try again in");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Try again" })).ToBeVisibleAsync();
            Assert.DoesNotContain("{", await page.Locator("#panel").TextContentAsync(), StringComparison.Ordinal);
        });
    }
}
