using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using MovieBooking.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace MovieBooking.Tests.Web;

/// <summary>The service taking money through a real gateway's API (a stand-in on loopback), configured by its settings.</summary>
public abstract class GatewayBrowserFixture : BrowserFixture
{
    public GatewayStandIn Gateway { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Gateway = await GatewayStandIn.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}

public sealed class RazorpayBrowserFixture : GatewayBrowserFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => Gateway.RazorpaySettings;
}

public sealed class StripeBrowserFixture : GatewayBrowserFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => Gateway.StripeSettings;
}

/// <summary>Buying in the browser through Razorpay's Checkout: its script opens the window, its answer is verified.</summary>
public sealed class RazorpayWebAppTests(RazorpayBrowserFixture browser) : IClassFixture<RazorpayBrowserFixture>
{
    [Fact]
    public async Task A_ticket_is_bought_through_razorpays_checkout_under_a_policy_that_names_only_its_hosts()
    {
        var policy = await GatewayPurchase.PolicyAsync(browser);
        Assert.Contains("script-src 'self' https://checkout.razorpay.com;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-src https://api.razorpay.com;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("stripe", policy, StringComparison.Ordinal);

        await using var buyer = await browser.NewSessionAsync();
        await browser.Gateway.RouteRazorpayCheckoutAsync(buyer.Page);
        var (orderId, total) = await GatewayPurchase.BuyAsync(browser, buyer, async page =>
            await page.Locator("#panel button[data-action='pay']").ClickAsync());

        var opened = Assert.Single(browser.Gateway.Checkouts);
        Assert.Equal(GatewayStandIn.RazorpayKeyId, opened.GetProperty("key").GetString());
        Assert.Equal(orderId, opened.GetProperty("order_id").GetString());
        Assert.Equal(total, opened.GetProperty("amount").GetInt64());
        Assert.Equal("INR", opened.GetProperty("currency").GetString());
    }
}

/// <summary>Buying in the browser through Stripe's Payment Element: the card form, the redirect back, the verification.</summary>
public sealed class StripeWebAppTests(StripeBrowserFixture browser) : IClassFixture<StripeBrowserFixture>
{
    [Fact]
    public async Task A_ticket_is_bought_through_stripes_payment_element_under_a_policy_that_names_only_its_hosts()
    {
        var policy = await GatewayPurchase.PolicyAsync(browser);
        Assert.Contains("script-src 'self' https://js.stripe.com;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-src https://js.stripe.com https://hooks.stripe.com;", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://api.stripe.com;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("razorpay", policy, StringComparison.Ordinal);

        await using var buyer = await browser.NewSessionAsync();
        await browser.Gateway.RouteStripeCheckoutAsync(buyer.Page);
        var (orderId, total) = await GatewayPurchase.BuyAsync(browser, buyer, async page =>
        {
            await page.Locator("#panel button[data-action='pay']").ClickAsync();
            // Stripe's card form is drawn in the panel; paying there leaves for Stripe and comes back.
            await Expect(page.Locator("#payment-element")).ToContainTextAsync("Card 4242");
            await page.Locator("#card-form button[type='submit']").ClickAsync();
        });

        var confirmed = Assert.Single(browser.Gateway.Checkouts);
        Assert.Equal(GatewayStandIn.StripePublishableKey, confirmed.GetProperty("key").GetString());
        Assert.Equal(orderId, confirmed.GetProperty("intent").GetString());
    }
}

/// <summary>One purchase in the page, whatever the gateway: seat, hold, booking, the gateway's checkout, the ticket.</summary>
internal static class GatewayPurchase
{
    public static async Task<string> PolicyAsync(GatewayBrowserFixture browser)
    {
        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        using var shell = await http.GetAsync(new Uri("/", UriKind.Relative));
        return shell.Headers.GetValues("Content-Security-Policy").Single();
    }

    /// <summary>Buys one seat; <paramref name="checkout"/> pays on the page. Returns the gateway's order and the total.</summary>
    public static async Task<(string OrderId, long Total)> BuyAsync(GatewayBrowserFixture browser, BrowserSession buyer, Func<IPage, Task> checkout)
    {
        string orderId = "";
        long total = 0;
        await buyer.KeepingEvidenceAsync($"purchase-{browser.GetType().Name}", async () =>
        {
            using var http = new HttpClient { BaseAddress = browser.BaseAddress };
            var movie = (await http.GetFromJsonAsync<JsonElement>("/api/movies")).GetProperty("items")[0].GetProperty("id").GetString();
            var show = (await http.GetFromJsonAsync<JsonElement>($"/api/movies/{movie}/shows"))[0].GetProperty("shows")[0].GetProperty("id").GetString();

            var page = buyer.Page;
            await page.GotoAsync($"/shows/{show}");
            await (await buyer.FreeSeatAsync()).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Hold this seat" }).ClickAsync();
            await buyer.SignInThroughDialogAsync(Accounts.UserEmail, Accounts.UserPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment" }).ClickAsync();
            await Expect(page.Locator("table.price")).ToContainTextAsync("Total");
            await checkout(page);

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your ticket" })).ToBeVisibleAsync();
            await Expect(page.Locator("img.qr")).ToBeVisibleAsync();
            Assert.Matches(@"/bookings/[0-9a-f-]{36}$", page.Url);
            var bookingId = page.Url[^36..];

            // The service confirmed the booking because the gateway's books say the order was paid in full.
            using var login = await http.PostAsJsonAsync("/api/auth/login", new { email = Accounts.UserEmail, password = Accounts.UserPassword });
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
                (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
            var booking = await http.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}");
            Assert.Equal("CONFIRMED", booking.GetProperty("status").GetString());
            total = booking.GetProperty("price").GetProperty("total").GetInt64();
            var payment = (await http.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}/payments"))[0];
            orderId = payment.GetProperty("orderId").GetString()!;
            var order = browser.Gateway.Find(orderId)!.Value;
            Assert.NotNull(order.PaidBy);
            Assert.Equal(total, order.Amount);
            Assert.Empty(buyer.Errors);
        });
        return (orderId, total);
    }
}
