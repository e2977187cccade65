using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace MovieBooking.Tests.Web;

/// <summary>
/// Stand-ins for Razorpay's and Stripe's servers, which tests cannot reach: their REST APIs on a loopback port (the
/// service under test is pointed at it), and in the browser their checkout scripts, served through Playwright's
/// routing at the gateways' real addresses, which pay an order as the real checkout would and answer as it does.
/// </summary>
public sealed class GatewayStandIn : IAsyncDisposable
{
    public const string RazorpayKeyId = "rzp_test_standin";
    public const string RazorpayKeySecret = "stand-in razorpay key secret";
    public const string StripeSecretKey = "sk_test_standin";
    public const string StripePublishableKey = "pk_test_standin";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Order> _orders = new();
    private readonly ConcurrentQueue<JsonElement> _checkouts = new();

    private GatewayStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What each checkout script was opened with, as the page passed it.</summary>
    public IReadOnlyCollection<JsonElement> Checkouts => _checkouts;

    public static async Task<GatewayStandIn> StartAsync()
    {
        var port = MovieBooking.Servers.ExternalProcess.FreeTcpPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var standIn = new GatewayStandIn(builder.Build());
        standIn.MapRazorpay();
        standIn.MapStripe();
        await standIn._app.StartAsync();
        standIn.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        return standIn;
    }

    public IReadOnlyDictionary<string, string> RazorpaySettings => new Dictionary<string, string>
    {
        ["Payments__Gateway"] = "razorpay",
        ["Payments__Razorpay__KeyId"] = RazorpayKeyId,
        ["Payments__Razorpay__KeySecret"] = RazorpayKeySecret,
        ["Payments__Razorpay__WebhookSecret"] = "stand-in razorpay webhook secret",
        ["Payments__Razorpay__BaseUrl"] = new Uri(BaseAddress, "v1/").ToString(),
    };

    public IReadOnlyDictionary<string, string> StripeSettings => new Dictionary<string, string>
    {
        ["Payments__Gateway"] = "stripe",
        ["Payments__Stripe__SecretKey"] = StripeSecretKey,
        ["Payments__Stripe__PublishableKey"] = StripePublishableKey,
        ["Payments__Stripe__WebhookSecret"] = "whsec_standin",
        ["Payments__Stripe__BaseUrl"] = BaseAddress.ToString(),
    };

    /// <summary>The order as the gateway's books have it: its amount, and the payment that captured it.</summary>
    public (long Amount, string Currency, string? PaidBy)? Find(string orderId) =>
        _orders.TryGetValue(orderId, out var order) ? (order.Amount, order.Currency, order.PaidBy) : null;

    /// <summary>
    /// Razorpay's <c>checkout.js</c>: <c>new Razorpay(options).open()</c> pays the order and calls the page's
    /// <c>handler</c> with the signed answer, as the real window does when the customer pays.
    /// </summary>
    public async Task RouteRazorpayCheckoutAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.RouteAsync("https://checkout.razorpay.com/v1/checkout.js", route => route.FulfillAsync(new()
        {
            ContentType = "text/javascript",
            Body = """
                window.Razorpay = class {
                  constructor(options) { this.options = options; }
                  on() {}
                  async open() {
                    const o = this.options;
                    const answer = await fetch('https://api.razorpay.com/stand-in/checkout', { method: 'POST', body: JSON.stringify({ key: o.key, order_id: o.order_id, amount: o.amount, currency: o.currency }) });
                    if (answer.ok) o.handler(await answer.json()); else o.modal?.ondismiss?.();
                  }
                };
                """,
        }));
        await page.RouteAsync("https://api.razorpay.com/stand-in/checkout", route =>
        {
            var opened = JsonDocument.Parse(route.Request.PostData!).RootElement.Clone();
            _checkouts.Enqueue(opened);
            var orderId = opened.GetProperty("order_id").GetString()!;
            if (opened.GetProperty("key").GetString() != RazorpayKeyId || !_orders.TryGetValue(orderId, out var order)
                || opened.GetProperty("amount").GetInt64() != order.Amount)
            {
                return route.FulfillAsync(new() { Status = 400, Headers = Cors, Body = "{}" });
            }

            var paymentId = order.Pay("pay");
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RazorpayKeySecret), Encoding.UTF8.GetBytes($"{orderId}|{paymentId}")));
            return route.FulfillAsync(new()
            {
                Headers = Cors,
                ContentType = "application/json",
                Body = JsonSerializer.Serialize(new { razorpay_order_id = orderId, razorpay_payment_id = paymentId, razorpay_signature = signature }),
            });
        });
    }

    /// <summary>
    /// Stripe.js: <c>Stripe(key).elements({ clientSecret })</c> draws a card form; <c>confirmPayment</c> pays the
    /// intent and sends the browser to <c>return_url</c> with <c>payment_intent</c>, as the real one does.
    /// </summary>
    public async Task RouteStripeCheckoutAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.RouteAsync("https://js.stripe.com/v3/", route => route.FulfillAsync(new()
        {
            ContentType = "text/javascript",
            Body = """
                window.Stripe = key => ({
                  elements: ({ clientSecret }) => ({
                    clientSecret,
                    create: () => ({ mount: selector => { document.querySelector(selector).textContent = 'Card 4242 4242 4242 4242'; } }),
                  }),
                  async confirmPayment({ elements, confirmParams }) {
                    const intent = elements.clientSecret.split('_secret_')[0];
                    const answer = await fetch('https://api.stripe.com/stand-in/confirm', { method: 'POST', body: JSON.stringify({ key, intent, clientSecret: elements.clientSecret }) });
                    if (!answer.ok) return { error: { message: 'Your card was declined.' } };
                    location.assign(`${confirmParams.return_url}?${new URLSearchParams({ payment_intent: intent, payment_intent_client_secret: elements.clientSecret, redirect_status: 'succeeded' })}`);
                    return {};
                  },
                });
                """,
        }));
        await page.RouteAsync("https://api.stripe.com/stand-in/confirm", route =>
        {
            var confirmed = JsonDocument.Parse(route.Request.PostData!).RootElement.Clone();
            _checkouts.Enqueue(confirmed);
            var intent = confirmed.GetProperty("intent").GetString()!;
            if (confirmed.GetProperty("key").GetString() != StripePublishableKey || !_orders.TryGetValue(intent, out var order)
                || confirmed.GetProperty("clientSecret").GetString() != order.ClientSecret)
            {
                return route.FulfillAsync(new() { Status = 402, Headers = Cors, Body = "{}" });
            }

            order.Pay(intent);
            return route.FulfillAsync(new() { Headers = Cors, ContentType = "application/json", Body = "{}" });
        });
    }

    private static readonly Dictionary<string, string> Cors = new() { ["Access-Control-Allow-Origin"] = "*" };

    /// <summary>Razorpay's REST API as far as the service uses it to take money: orders and their payments.</summary>
    private void MapRazorpay()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RazorpayKeyId}:{RazorpayKeySecret}"));
        var api = _app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == basic ? await next(context) : Results.Unauthorized());
        api.MapPost("/orders", async (HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            var order = new Order(NewId("order"), body.GetProperty("amount").GetInt64(), body.GetProperty("currency").GetString()!, null);
            _orders[order.Id] = order;
            return Results.Json(new { id = order.Id, entity = "order", amount = order.Amount, currency = order.Currency, status = "created" });
        });
        api.MapGet("/orders/{orderId}/payments", (string orderId) =>
        {
            if (!_orders.TryGetValue(orderId, out var order))
            {
                return Results.NotFound();
            }

            var items = order.PaidBy is { } paymentId
                ? new object[] { new { id = paymentId, entity = "payment", order_id = order.Id, amount = order.Amount, currency = order.Currency, status = "captured" } }
                : [];
            return Results.Json(new { entity = "collection", count = items.Length, items });
        });
    }

    /// <summary>Stripe's REST API as far as the service uses it to take money: PaymentIntents.</summary>
    private void MapStripe()
    {
        var api = _app.MapGroup("/v1/payment_intents").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization == $"Bearer {StripeSecretKey}" ? await next(context) : Results.Unauthorized());
        api.MapPost("/", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var id = NewId("pi");
            var order = new Order(id, long.Parse(form["amount"]!, System.Globalization.CultureInfo.InvariantCulture), form["currency"]!, $"{id}_secret_{NewId("cs")}");
            _orders[id] = order;
            return Intent(order);
        });
        api.MapGet("/{intentId}", (string intentId) => _orders.TryGetValue(intentId, out var order) ? Intent(order) : Results.NotFound());
    }

    private static IResult Intent(Order order) => Results.Json(new
    {
        id = order.Id,
        @object = "payment_intent",
        amount = order.Amount,
        amount_received = order.PaidBy is null ? 0 : order.Amount,
        currency = order.Currency,
        client_secret = order.ClientSecret,
        status = order.PaidBy is null ? "requires_payment_method" : "succeeded",
    });

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class Order(string id, long amount, string currency, string? clientSecret)
    {
        private string? _paidBy;

        public string Id { get; } = id;
        public long Amount { get; } = amount;
        public string Currency { get; } = currency;
        public string? ClientSecret { get; } = clientSecret;
        public string? PaidBy => Volatile.Read(ref _paidBy);

        /// <summary>Captures the order once; paying it again answers the payment that did.</summary>
        public string Pay(string paymentIdOrPrefix)
        {
            var paymentId = paymentIdOrPrefix.StartsWith("pi_", StringComparison.Ordinal) ? paymentIdOrPrefix : NewId(paymentIdOrPrefix);
            return Interlocked.CompareExchange(ref _paidBy, paymentId, null) ?? paymentId;
        }
    }
}
