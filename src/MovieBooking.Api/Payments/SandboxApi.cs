using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
            .WithSummary("The hosted checkout page of the order (HTML): its amount, with Pay and Fail buttons that call pay, then go back to returnUrl (a path on this site) with the answer in its query.")
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

    /// <summary>
    /// The hosted checkout, as a real gateway's page: the order's amount with Pay and Fail. With <c>returnUrl</c> (a
    /// path on this site, like Razorpay's <c>callback_url</c>) the page goes back there when it is done, with the
    /// checkout's answer in the query: <c>orderId</c>, <c>paymentId</c> and <c>signature</c> for a captured payment,
    /// <c>orderId</c> and <c>status=failed</c> for a declined one. Without it, the page shows the answer.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> CheckoutPageAsync(
        string orderId, [FromQuery] string? returnUrl, HttpContext context, MovieBookingDb db, CancellationToken cancellationToken)
    {
        if (returnUrl is not null && !IsLocalPath(returnUrl))
        {
            return ApiProblems.Invalid("returnUrl", "The return address is a path on this site, such as /bookings/{id}.");
        }

        var order = await db.SandboxOrders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            return ApiProblems.NotFound("Order", orderId);
        }

        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        var amount = (order.Amount / 100m).ToString("N2", CultureInfo.InvariantCulture);
        var back = returnUrl is null ? "" : $"""<p><a href="{WebUtility.HtmlEncode(returnUrl)}">Go back without paying</a></p>""";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sandbox checkout</title>
            <style nonce="{{nonce}}">body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
            button{font-size:1rem;margin:0 1rem 1rem 0;padding:.6rem 1.6rem;min-height:44px}#pay{background:#05622b;color:#fff;border:0;border-radius:4px}</style></head>
            <body><main>
            <h1>Sandbox checkout</h1>
            <p>This development gateway takes no money.</p>
            <p>Order <code>{{WebUtility.HtmlEncode(order.OrderId)}}</code>: <strong>{{WebUtility.HtmlEncode(order.Currency)}} {{amount}}</strong> ({{WebUtility.HtmlEncode(order.Status)}})</p>
            <button type="button" id="pay">Pay</button><button type="button" id="fail">Fail</button>
            {{back}}
            <p id="answer" role="status"></p>
            </main>
            <script nonce="{{nonce}}">
            const returnUrl = {{System.Text.Json.JsonSerializer.Serialize(returnUrl)}};
            async function pay(outcome) {
              for (const b of document.querySelectorAll('button')) b.disabled = true;
              const r = await fetch(location.pathname.replace(/\/$/, '') + '/pay', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({outcome})});
              const answer = await r.json();
              if (r.ok && returnUrl) {
                const query = answer.status === 'captured'
                  ? {orderId: answer.orderId, paymentId: answer.paymentId, signature: answer.signature}
                  : {orderId: answer.orderId, status: 'failed'};
                location.assign(returnUrl + (returnUrl.includes('?') ? '&' : '?') + new URLSearchParams(query));
                return;
              }
              document.getElementById('answer').textContent = JSON.stringify(answer, null, 2);
              for (const b of document.querySelectorAll('button')) b.disabled = false;
            }
            document.getElementById('pay').addEventListener('click', () => pay('success'));
            document.getElementById('fail').addEventListener('click', () => pay('failure'));
            </script></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>A path on this site: rooted, and neither protocol-relative (<c>//host</c>) nor a backslash trick.</summary>
    private static bool IsLocalPath(string url) =>
        url.Length > 0 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);
}
