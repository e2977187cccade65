using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

public sealed record SandboxPayRequest([property: Required, RegularExpression("^(success|failure)$", ErrorMessage = "The outcome is success or failure.")] string? Outcome);

/// <summary>The checkout's answer: a captured payment carries its signature; a failed one carries none.</summary>
public sealed record SandboxPayResponse(string OrderId, string PaymentId, string Status, string? Signature);

/// <summary>What the sandbox's books say of an order, as a gateway's order API answers.</summary>
public sealed record SandboxOrderResponse(
    string OrderId, long Amount, string Currency, string Status, string? PaymentId, IReadOnlyList<SandboxRefundResponse> Refunds);

public sealed record SandboxRefundResponse(string RefundId, long Amount, string Currency, string Status, DateTimeOffset CreatedAt);

/// <summary>The sandbox gateway's hosted checkout, present only while the sandbox is the configured gateway.</summary>
public static class SandboxApi
{
    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder routes)
    {
        var sandbox = routes.MapGroup("/api/sandbox/orders/{orderId}").WithTags("Sandbox gateway");
        sandbox.MapPost("/pay", PayAsync)
            .WithSummary("Plays the gateway's checkout: pays (or fails) the order, answers the payment (signed when captured) and sends the signed webhook. A paid order answers its payment again.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        sandbox.MapGet("/status", StatusAsync)
            .WithSummary("The sandbox's own record of the order: created, failed or paid, with its payment and refunds.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sandbox.MapGet("/", CheckoutPageAsync)
            .WithSummary("The hosted checkout page of the order (HTML): its amount, with Pay and Fail buttons that call pay.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<SandboxPayResponse>, ProblemHttpResult>> PayAsync(
        string orderId, SandboxPayRequest request, SandboxGateway sandbox, SandboxWebhookSender webhooks, ILogger<SandboxGateway> logger,
        CancellationToken cancellationToken)
    {
        var payment = await sandbox.PayAsync(orderId, request.Outcome == "success", cancellationToken);
        if (payment is null)
        {
            return ApiProblems.NotFound("Order", orderId);
        }

        // Like a gateway, the sandbox tells the service by a signed webhook, through the same verifying code path, before
        // it answers (so the booking is settled when the checkout returns); one not accepted now is sent again later.
        try
        {
            await webhooks.DeliverNowAsync(orderId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Webhooks of sandbox order {OrderId} were not delivered; they are sent again later.", orderId);
        }

        return TypedResults.Ok(new SandboxPayResponse(payment.OrderId, payment.PaymentId, payment.Status, payment.Signature));
    }

    private static async Task<Results<Ok<SandboxOrderResponse>, ProblemHttpResult>> StatusAsync(
        string orderId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var order = await db.SandboxOrders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            return ApiProblems.NotFound("Order", orderId);
        }

        var refunds = await db.SandboxRefunds.AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.CreatedAt)
            .Select(r => new SandboxRefundResponse(r.RefundId, r.Amount, r.Currency, "processed", r.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new SandboxOrderResponse(order.OrderId, order.Amount, order.Currency, order.Status, order.PaymentId, refunds));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CheckoutPageAsync(
        string orderId, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var order = await db.SandboxOrders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            return ApiProblems.NotFound("Order", orderId);
        }

        var id = WebUtility.HtmlEncode(order.OrderId);
        var amount = (order.Amount / 100m).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sandbox checkout</title>
            <style>body{font-family:system-ui;max-width:32rem;margin:3rem auto}button{font-size:1rem;margin-right:1rem;padding:.5rem 1.5rem}</style></head>
            <body><h1>Sandbox checkout</h1>
            <p>Order <code>{{id}}</code>: <strong>{{WebUtility.HtmlEncode(order.Currency)}} {{amount}}</strong> ({{WebUtility.HtmlEncode(order.Status)}})</p>
            <button onclick="pay('success')">Pay</button><button onclick="pay('failure')">Fail</button>
            <pre id="answer"></pre>
            <script>
            async function pay(outcome) {
              const r = await fetch(location.pathname.replace(/\/$/, '') + '/pay', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({outcome})});
              document.getElementById('answer').textContent = JSON.stringify(await r.json(), null, 2);
            }
            </script></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
