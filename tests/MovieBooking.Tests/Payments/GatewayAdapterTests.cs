using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MovieBooking.Api.Payments;
using Stripe;

namespace MovieBooking.Tests.Payments;

/// <summary>The Razorpay and Stripe adapters against a stand-in for their servers, and their signatures by known answers.</summary>
public sealed class GatewayAdapterTests
{
    private static readonly PaymentOptions Options = new()
    {
        Razorpay = new RazorpaySettings { KeyId = "rzp_test_key", KeySecret = "rzp_test_secret", WebhookSecret = "rzp_webhook_secret" },
        Stripe = new StripeSettings { SecretKey = "sk_test_123", PublishableKey = "pk_test_123", WebhookSecret = "whsec_test" },
    };

    [Fact]
    public void Hmac_signatures_match_the_published_test_vector_and_compare_strictly()
    {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the well-known test vector.
        const string expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        Assert.Equal(expected, HmacSignature.Sign("key", "The quick brown fox jumps over the lazy dog"));
        Assert.True(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog", expected));
        Assert.True(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog", expected.ToUpperInvariant()));
        Assert.False(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog.", expected));
        Assert.False(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog", expected[..^2] + "00"));
        Assert.False(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog", expected[..^1]));
        Assert.False(HmacSignature.Verify("key", "The quick brown fox jumps over the lazy dog", null));
    }

    [Fact]
    public async Task Razorpay_orders_and_refunds_go_to_its_api_with_basic_auth()
    {
        var server = new StandIn(request => request.RequestUri!.AbsolutePath switch
        {
            "/v1/orders" => """{"id":"order_RZP1","entity":"order","status":"created"}""",
            "/v1/payments/pay_RZP1/refund" => """{"id":"rfnd_RZP1","entity":"refund","status":"processed"}""",
            _ => throw new InvalidOperationException(request.RequestUri.ToString()),
        });
        using var http = new HttpClient(server) { BaseAddress = new Uri("https://api.razorpay.test/v1/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("rzp_test_key:rzp_test_secret")));
        var gateway = new RazorpayGateway(http, Microsoft.Extensions.Options.Options.Create(Options));

        var order = await gateway.CreateOrderAsync(new OrderRequest(Guid.CreateVersion7(), Guid.CreateVersion7(), 45_428, "INR"), CancellationToken.None);
        Assert.Equal("order_RZP1", order.OrderId);
        Assert.Equal("rzp_test_key", order.Checkout["keyId"]);
        var sent = server.Requests.Single();
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("Basic", sent.Authorization?.Scheme);
        using (var body = JsonDocument.Parse(sent.Body))
        {
            Assert.Equal(45_428, body.RootElement.GetProperty("amount").GetInt64());
            Assert.Equal("INR", body.RootElement.GetProperty("currency").GetString());
        }

        var refund = await gateway.RefundAsync("pay_RZP1", 40_000, "INR", "refund-key-1", CancellationToken.None);
        Assert.Equal(new GatewayRefund("rfnd_RZP1", GatewayRefundState.Processed), refund);
        using (var body = JsonDocument.Parse(server.Requests[^1].Body))
        {
            Assert.Equal(40_000, body.RootElement.GetProperty("amount").GetInt64());
            Assert.Equal("refund-key-1", body.RootElement.GetProperty("receipt").GetString());
        }
    }

    [Fact]
    public async Task Razorpay_is_asked_what_became_of_an_order_and_a_refund_and_a_server_error_is_a_gateway_fault()
    {
        var answers = new Dictionary<string, string?>
        {
            ["/v1/orders/order_PAID/payments"] = """{"entity":"collection","count":2,"items":[{"id":"pay_F","entity":"payment","amount":45428,"currency":"INR","status":"failed","order_id":"order_PAID"},{"id":"pay_C","entity":"payment","amount":45428,"currency":"INR","status":"captured","order_id":"order_PAID"}]}""",
            ["/v1/orders/order_FAILED/payments"] = """{"entity":"collection","count":1,"items":[{"id":"pay_F","entity":"payment","amount":45428,"currency":"INR","status":"failed","order_id":"order_FAILED"}]}""",
            ["/v1/orders/order_AUTH/payments"] = """{"entity":"collection","count":1,"items":[{"id":"pay_A","entity":"payment","amount":45428,"currency":"INR","status":"authorized","order_id":"order_AUTH"}]}""",
            ["/v1/orders/order_NEW/payments"] = """{"entity":"collection","count":0,"items":[]}""",
            ["/v1/payments/pay_C/refunds"] = """{"entity":"collection","count":2,"items":[{"id":"rfnd_F","entity":"refund","status":"failed"},{"id":"rfnd_P","entity":"refund","status":"pending"}]}""",
            ["/v1/payments/pay_N/refunds"] = """{"entity":"collection","count":0,"items":[]}""",
            ["/v1/orders/order_DOWN/payments"] = null,
        };
        var server = new StandIn(request => answers[request.RequestUri!.AbsolutePath]);
        using var http = new HttpClient(server) { BaseAddress = new Uri("https://api.razorpay.test/v1/") };
        var gateway = new RazorpayGateway(http, Microsoft.Extensions.Options.Options.Create(Options));

        Assert.Equal(GatewayOrderStatus.Paid(new GatewayCharge("pay_C", 45_428, "INR")), await gateway.GetOrderStatusAsync("order_PAID", CancellationToken.None));
        Assert.Equal(GatewayOrderStatus.Failed, await gateway.GetOrderStatusAsync("order_FAILED", CancellationToken.None));
        Assert.Equal(GatewayOrderStatus.Open, await gateway.GetOrderStatusAsync("order_AUTH", CancellationToken.None));
        Assert.Equal(GatewayOrderStatus.Open, await gateway.GetOrderStatusAsync("order_NEW", CancellationToken.None));
        Assert.Equal(new GatewayRefund("rfnd_P", GatewayRefundState.Pending), await gateway.FindRefundAsync("pay_C", CancellationToken.None));
        Assert.Null(await gateway.FindRefundAsync("pay_N", CancellationToken.None));
        await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.GetOrderStatusAsync("order_DOWN", CancellationToken.None));
    }

    [Fact]
    public async Task Razorpay_checkout_and_webhook_signatures_follow_its_documentation()
    {
        var gateway = new RazorpayGateway(new HttpClient(), Microsoft.Extensions.Options.Options.Create(Options));
        // Checkout: hex HMAC-SHA256 of "order_id|razorpay_payment_id" under the key secret.
        var checkout = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("rzp_test_secret"), Encoding.UTF8.GetBytes("order_RZP1|pay_RZP1")));
        Assert.True(await gateway.VerifyCheckoutAsync("order_RZP1", "pay_RZP1", checkout, CancellationToken.None));
        Assert.False(await gateway.VerifyCheckoutAsync("order_OTHER", "pay_RZP1", checkout, CancellationToken.None));

        // Webhook: hex HMAC-SHA256 of the raw body under the webhook secret; the event id comes in a header.
        var body = Encoding.UTF8.GetBytes("""{"entity":"event","event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_RZP1","order_id":"order_RZP1"}}}}""");
        var headers = new HeaderDictionary
        {
            [RazorpayGateway.SignatureHeader] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("rzp_webhook_secret"), body)),
            [RazorpayGateway.EventIdHeader] = "Ev_RZP1",
        };
        Assert.True(gateway.VerifyWebhook(body, headers));
        Assert.Equal(new GatewayEvent("Ev_RZP1", "payment.captured", GatewayEventKind.PaymentCaptured, "order_RZP1", "pay_RZP1", null), gateway.ReadWebhook(body, headers));
        var altered = body.ToArray();
        altered[^3] ^= 1;
        Assert.False(gateway.VerifyWebhook(altered, headers));
    }

    [Fact]
    public async Task Stripe_orders_are_payment_intents_and_webhooks_are_checked_with_a_300_second_tolerance()
    {
        var server = new StandIn(request => request.RequestUri!.AbsolutePath switch
        {
            "/v1/payment_intents" => """{"id":"pi_1","object":"payment_intent","amount":45428,"currency":"inr","client_secret":"pi_1_secret_x","status":"requires_payment_method"}""",
            "/v1/payment_intents/pi_1" => """{"id":"pi_1","object":"payment_intent","amount":45428,"amount_received":45428,"currency":"inr","status":"succeeded"}""",
            "/v1/payment_intents/pi_open" => """{"id":"pi_open","object":"payment_intent","amount":45428,"amount_received":0,"currency":"inr","status":"requires_payment_method"}""",
            "/v1/payment_intents/pi_down" => null,
            "/v1/refunds" => """{"id":"re_1","object":"refund","amount":40000,"payment_intent":"pi_1","status":"succeeded"}""",
            _ => throw new InvalidOperationException(request.RequestUri.ToString()),
        });
        var client = new StripeClient(apiKey: "sk_test_123", httpClient: new SystemNetHttpClient(new HttpClient(server)), apiBase: "https://stripe.test");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));
        var gateway = new StripeGateway(client, Microsoft.Extensions.Options.Options.Create(Options), time);

        var order = await gateway.CreateOrderAsync(new OrderRequest(Guid.CreateVersion7(), Guid.CreateVersion7(), 45_428, "INR"), CancellationToken.None);
        Assert.Equal("pi_1", order.OrderId);
        Assert.Equal("pi_1_secret_x", order.Checkout["clientSecret"]);
        Assert.Contains("amount=45428", server.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("currency=inr", server.Requests[0].Body, StringComparison.Ordinal);
        Assert.True(await gateway.VerifyCheckoutAsync("pi_1", "pi_1", "", CancellationToken.None));
        Assert.Equal(GatewayOrderStatus.Paid(new GatewayCharge("pi_1", 45_428, "INR")), await gateway.GetOrderStatusAsync("pi_1", CancellationToken.None));
        Assert.Equal(GatewayOrderStatus.Open, await gateway.GetOrderStatusAsync("pi_open", CancellationToken.None));
        await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.GetOrderStatusAsync("pi_down", CancellationToken.None));
        Assert.Equal(new GatewayRefund("re_1", GatewayRefundState.Processed), await gateway.RefundAsync("pi_1", 40_000, "INR", "refund-key-1", CancellationToken.None));

        // Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" under the endpoint secret>.
        var payload = """{"id":"evt_1","object":"event","api_version":"2025-01-27.acacia","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent","status":"succeeded"}}}""";
        var body = Encoding.UTF8.GetBytes(payload);
        HeaderDictionary Signed(DateTimeOffset at)
        {
            var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test"), Encoding.UTF8.GetBytes($"{t}.{payload}")));
            return new HeaderDictionary { [StripeGateway.SignatureHeader] = $"t={t},v1={v1}" };
        }

        Assert.True(gateway.VerifyWebhook(body, Signed(time.GetUtcNow().AddSeconds(-299))));
        Assert.False(gateway.VerifyWebhook(body, Signed(time.GetUtcNow().AddSeconds(-301))));
        Assert.False(gateway.VerifyWebhook(Encoding.UTF8.GetBytes(payload.Replace("pi_1", "pi_2", StringComparison.Ordinal)), Signed(time.GetUtcNow())));
        Assert.False(gateway.VerifyWebhook(body, new HeaderDictionary()));
        var read = gateway.ReadWebhook(body, Signed(time.GetUtcNow()));
        Assert.Equal(new GatewayEvent("evt_1", "payment_intent.succeeded", GatewayEventKind.PaymentCaptured, "pi_1", "pi_1", null), read);
    }

    /// <summary>A stand-in for a gateway's servers: answers each request from a function and keeps what was sent.</summary>
    private sealed class StandIn(Func<HttpRequestMessage, string?> answer) : HttpMessageHandler
    {
        public List<(HttpMethod Method, System.Net.Http.Headers.AuthenticationHeaderValue? Authorization, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method, request.Headers.Authorization, body));
            // No answer is the server failing: a 503, as a gateway answers while it is down.
            return answer(request) is { } json
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"error":{"code":"SERVER_ERROR"}}""", Encoding.UTF8, "application/json") };
        }
    }
}
