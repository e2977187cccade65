using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Payments;

public sealed record PaymentResponse(Guid PaymentId, string OrderId, string Gateway, long Amount, string Currency, IReadOnlyDictionary<string, string> Checkout);

public sealed record VerifyPaymentRequest(
    [property: Required, MaxLength(100)] string? OrderId,
    [property: Required, MaxLength(100)] string? PaymentId,
    [property: Required, MaxLength(200)] string? Signature);

public sealed record WebhookResponse(bool Received, bool Duplicate);

/// <summary>A payment attempt for a booking as its customer sees it, times in the show's city time.</summary>
public sealed record BookingPayment(
    Guid PaymentId, string Gateway, string OrderId, long Amount, string Currency, PaymentStatus Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, PaymentRefund? Refund);

/// <summary>Money owed back on a payment: <c>PENDING</c> until the gateway reports it done, then <c>COMPLETED</c>.</summary>
public sealed record PaymentRefund(long Amount, string Status, DateTimeOffset? CompletedAt);

public static class PaymentsApi
{
    /// <summary>Gateways send small events; anything larger is not one.</summary>
    private const int MaxWebhookBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/bookings/{bookingId:guid}/payments", StartPaymentAsync).WithTags("Payments")
            .RequireAuthorization()
            .Idempotent()
            .WithSummary("Starts paying for the caller's booking: an order of its total at the configured gateway.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/bookings/{bookingId:guid}/payments", ListPaymentsAsync).WithTags("Payments")
            .RequireAuthorization()
            .WithSummary("The caller's booking's payment attempts with their status and refunds, oldest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapPost("/api/payments/verify", VerifyAsync).WithTags("Payments")
            .RequireAuthorization()
            .WithSummary("Checks the checkout's signature against the stored order, asks the gateway whether the money was captured, and confirms the booking if it was.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapPost("/api/payments/webhooks/{gateway}", WebhookAsync).WithTags("Payments")
            .WithSummary("Signed gateway events, verified over the raw body and handled once per event id.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Created<PaymentResponse>, ProblemHttpResult>> StartPaymentAsync(
        Guid bookingId, CurrentUser user, PaymentService payments, CancellationToken cancellationToken) =>
        await payments.StartAsync(user.Id, bookingId, cancellationToken) switch
        {
            PaymentOutcome.Started started => TypedResults.Created(
                $"/api/bookings/{bookingId}",
                new PaymentResponse(started.Payment.Id, started.Payment.OrderId, started.Payment.Gateway, started.Payment.Amount, started.Payment.Currency, started.Checkout)),
            PaymentOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Booking", bookingId),
        };

    private static async Task<Results<Ok<List<BookingPayment>>, ProblemHttpResult>> ListPaymentsAsync(
        Guid bookingId, CurrentUser user, Data.MovieBookingDb db, ShowFactsCache shows, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.AsNoTracking()
            .Where(b => b.Id == bookingId && b.UserId == user.Id)
            .Select(b => new { b.ShowId })
            .FirstOrDefaultAsync(cancellationToken);
        if (booking is null)
        {
            return ApiProblems.NotFound("Booking", bookingId);
        }

        var show = await shows.GetAsync(booking.ShowId, cancellationToken);
        var local = (DateTimeOffset instant) => show?.Local(instant) ?? instant;
        var payments = await db.Payments.AsNoTracking()
            .Where(p => p.BookingId == bookingId)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(payments.Select(p => new BookingPayment(
            p.Id, p.Gateway, p.OrderId, p.Amount, p.Currency, p.Status, local(p.CreatedAt), local(p.UpdatedAt),
            p.Status switch
            {
                PaymentStatus.RefundPending => new PaymentRefund(p.RefundAmount ?? p.Amount, "PENDING", null),
                PaymentStatus.Refunded => new PaymentRefund(p.RefundAmount ?? p.Amount, "COMPLETED", local(p.UpdatedAt)),
                _ => null,
            })).ToList());
    }

    private static async Task<Results<Ok<BookingResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        VerifyPaymentRequest request, CurrentUser user, PaymentService payments, ShowFactsCache shows, CancellationToken cancellationToken) =>
        await payments.VerifyAsync(user.Id, request.OrderId!, request.PaymentId!, request.Signature!, cancellationToken) switch
        {
            PaymentOutcome.Settled settled => TypedResults.Ok(BookingResponse.From(settled.Booking, await shows.GetAsync(settled.Booking.ShowId, cancellationToken))),
            PaymentOutcome.BadSignature => ApiProblems.Invalid("signature", "The signature does not match the order and payment."),
            PaymentOutcome.Conflict conflict => ApiProblems.Conflict(conflict.Title, conflict.Detail),
            _ => ApiProblems.NotFound("Order", request.OrderId!),
        };

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> WebhookAsync(
        string gateway, HttpRequest request, IPaymentGateway configured, PaymentService payments, CancellationToken cancellationToken)
    {
        if (!string.Equals(gateway, configured.Name, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Gateway not configured",
                detail: $"This service takes payments through '{configured.Name}', not '{gateway}'.");
        }

        if (request.ContentLength > MaxWebhookBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Event too large",
                detail: $"A webhook body is at most {MaxWebhookBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxWebhookBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Event too large",
                detail: $"A webhook body is at most {MaxWebhookBytes} bytes.");
        }

        return await payments.HandleWebhookAsync(buffer.ToArray(), request.Headers, cancellationToken) switch
        {
            WebhookOutcome.BadSignature => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature",
                detail: "The webhook's signature over its body does not verify."),
            WebhookOutcome.Malformed => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an event",
                detail: "The signed body is not an event this gateway sends."),
            WebhookOutcome.Duplicate => TypedResults.Ok(new WebhookResponse(true, true)),
            _ => TypedResults.Ok(new WebhookResponse(true, false)),
        };
    }
}
