using Microsoft.Extensions.Options;
using Stripe;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Stripe through Stripe.net: an order is a PaymentIntent (its id is the order id, and also the payment id we keep),
/// the client's confirmation is checked by reading the intent back, webhooks are verified by <c>EventUtility</c>
/// (<c>Stripe-Signature</c>, 300 s tolerance, judged by the service's clock), refunds go by PaymentIntent.
/// </summary>
public sealed class StripeGateway(IStripeClient stripe, IOptions<PaymentOptions> options, TimeProvider time) : IPaymentGateway
{
    public const string GatewayName = "stripe";
    public const string SignatureHeader = "Stripe-Signature";
    public const long ToleranceSeconds = 300;

    public string Name => GatewayName;

    private StripeSettings Settings => options.Value.Stripe;

    public async Task<GatewayOrder> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var intent = await new PaymentIntentService(stripe).CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = request.Amount,
            Currency = request.Currency.ToLowerInvariant(),
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
            Metadata = new Dictionary<string, string> { ["booking_id"] = request.BookingId.ToString(), ["payment_id"] = request.PaymentId.ToString() },
        }, new RequestOptions { IdempotencyKey = request.PaymentId.ToString() }, cancellationToken);
        return new GatewayOrder(intent.Id, new Dictionary<string, string>
        {
            ["clientSecret"] = intent.ClientSecret,
            ["publishableKey"] = Settings.PublishableKey!,
        });
    }

    /// <summary>Stripe's client gets no signature to send back; the intent itself is read and must have succeeded.</summary>
    public async Task<bool> VerifyCheckoutAsync(string orderId, string paymentId, string signature, CancellationToken cancellationToken)
    {
        if (paymentId != orderId)
        {
            return false;
        }

        try
        {
            var intent = await new PaymentIntentService(stripe).GetAsync(orderId, cancellationToken: cancellationToken);
            return intent.Id == orderId && intent.Status == "succeeded";
        }
        catch (StripeException)
        {
            return false;
        }
    }

    public bool VerifyWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        try
        {
            EventUtility.ValidateSignature(System.Text.Encoding.UTF8.GetString(body), headers[SignatureHeader].ToString(), Settings.WebhookSecret!,
                ToleranceSeconds, time.GetUtcNow().ToUnixTimeSeconds());
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    public GatewayEvent? ReadWebhook(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        Event received;
        try
        {
            received = EventUtility.ParseEvent(System.Text.Encoding.UTF8.GetString(body), throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is StripeException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            return null;
        }

        return (received.Type, received.Data?.Object) switch
        {
            ("payment_intent.succeeded", PaymentIntent intent) => new GatewayEvent(received.Id, received.Type, GatewayEventKind.PaymentCaptured, intent.Id, intent.Id, null),
            ("payment_intent.payment_failed", PaymentIntent intent) => new GatewayEvent(received.Id, received.Type, GatewayEventKind.PaymentFailed, intent.Id, intent.Id, null),
            ("refund.updated" or "refund.created", Refund { Status: "succeeded" } refund) =>
                new GatewayEvent(received.Id, received.Type, GatewayEventKind.RefundProcessed, null, refund.PaymentIntentId, refund.Id),
            _ => new GatewayEvent(received.Id, received.Type, GatewayEventKind.Other, null, null, null),
        };
    }

    /// <summary>The PaymentIntent is the order: succeeded is paid (with the amount received), canceled is failed.</summary>
    public async Task<GatewayOrderStatus> GetOrderStatusAsync(string orderId, CancellationToken cancellationToken)
    {
        var intent = await CallAsync(() => new PaymentIntentService(stripe).GetAsync(orderId, cancellationToken: cancellationToken));
        return intent.Status switch
        {
            "succeeded" => GatewayOrderStatus.Paid(new GatewayCharge(intent.Id, intent.AmountReceived, intent.Currency.ToUpperInvariant())),
            "canceled" => GatewayOrderStatus.Failed,
            _ => GatewayOrderStatus.Open,
        };
    }

    public async Task<GatewayRefund?> FindRefundAsync(string gatewayPaymentId, CancellationToken cancellationToken)
    {
        var refunds = await CallAsync(() => new RefundService(stripe).ListAsync(new RefundListOptions { PaymentIntent = gatewayPaymentId }, cancellationToken: cancellationToken));
        return refunds.Data.Select(r => new GatewayRefund(r.Id, RefundState(r.Status)))
            .OrderBy(r => r.State == GatewayRefundState.Failed).FirstOrDefault();
    }

    public async Task<GatewayRefund> RefundAsync(string gatewayPaymentId, long amount, string currency, string idempotencyKey, CancellationToken cancellationToken)
    {
        var refund = await CallAsync(() => new RefundService(stripe).CreateAsync(
            new RefundCreateOptions { PaymentIntent = gatewayPaymentId, Amount = amount },
            new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken));
        return new GatewayRefund(refund.Id, RefundState(refund.Status));
    }

    private static GatewayRefundState RefundState(string? status) => status switch
    {
        "succeeded" => GatewayRefundState.Processed,
        "failed" or "canceled" => GatewayRefundState.Failed,
        _ => GatewayRefundState.Pending,
    };

    /// <summary>Stripe unreachable, timing out or answering 5xx is a <see cref="PaymentGatewayException"/>.</summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException exception) when (exception.HttpStatusCode >= System.Net.HttpStatusCode.InternalServerError || exception.HttpStatusCode == 0)
        {
            throw new PaymentGatewayException($"Stripe answered {(int)exception.HttpStatusCode}.", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new PaymentGatewayException("Stripe did not answer.", exception);
        }
    }
}
