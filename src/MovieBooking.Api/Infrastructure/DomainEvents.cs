namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// One Information line per business event, after it is committed, with the ids an operator needs to follow a
/// purchase from hold to door: the log category is <c>MovieBooking.Events</c>, so it can be routed or filtered alone.
/// Each also counts in <see cref="ServiceMetrics"/> (bookings by the status they moved to, payments by outcome).
/// </summary>
public sealed partial class DomainEvents(ILoggerFactory loggers, ServiceMetrics metrics)
{
    private readonly ILogger _logger = loggers.CreateLogger("MovieBooking.Events");

    public void BookingCreated(Guid bookingId, Guid showId, Guid userId, int seats, long total, string currency)
    {
        metrics.BookingMoved("pending_payment");
        LogBookingCreated(_logger, bookingId, showId, userId, seats, total, currency);
    }

    public void BookingConfirmed(Guid bookingId, Guid? paymentId)
    {
        metrics.BookingMoved("confirmed");
        LogBookingConfirmed(_logger, bookingId, paymentId);
    }

    public void BookingFailed(Guid bookingId)
    {
        metrics.BookingMoved("failed");
        LogBookingFailed(_logger, bookingId);
    }

    public void HoldExtended(Guid bookingId, Guid holdId, DateTimeOffset until) => LogHoldExtended(_logger, bookingId, holdId, until);

    public void BookingExpired(Guid bookingId)
    {
        metrics.BookingMoved("expired");
        LogBookingExpired(_logger, bookingId);
    }

    public void BookingCancelled(Guid bookingId, long? refundOwed)
    {
        metrics.BookingMoved("cancelled");
        LogBookingCancelled(_logger, bookingId, refundOwed ?? 0);
    }

    public void PaymentStarted(Guid paymentId, Guid bookingId, string gateway, string orderId, long amount, string currency)
    {
        metrics.PaymentSettled("started");
        LogPaymentStarted(_logger, paymentId, bookingId, gateway, orderId, amount, currency);
    }

    public void PaymentCaptured(Guid paymentId, Guid bookingId)
    {
        metrics.PaymentSettled("captured");
        LogPaymentCaptured(_logger, paymentId, bookingId);
    }

    public void PaymentFailed(Guid paymentId, Guid bookingId)
    {
        metrics.PaymentSettled("failed");
        LogPaymentFailed(_logger, paymentId, bookingId);
    }

    public void RefundOwed(Guid paymentId, Guid bookingId, long amount)
    {
        metrics.PaymentSettled("refund_owed");
        LogRefundOwed(_logger, paymentId, bookingId, amount);
    }

    public void RefundCompleted(Guid paymentId, Guid bookingId, string? refundId)
    {
        metrics.PaymentSettled("refunded");
        LogRefundCompleted(_logger, paymentId, bookingId, refundId);
    }

    public void TicketAdmitted(Guid ticketId, Guid bookingId, Guid showId, Guid scannedBy) =>
        LogTicketAdmitted(_logger, ticketId, bookingId, showId, scannedBy);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Booking {BookingId} created for show {ShowId} by user {UserId}: {Seats} seats, {Total} {Currency}")]
    private static partial void LogBookingCreated(ILogger logger, Guid bookingId, Guid showId, Guid userId, int seats, long total, string currency);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Booking {BookingId} confirmed by payment {PaymentId}; ticket issued")]
    private static partial void LogBookingConfirmed(ILogger logger, Guid bookingId, Guid? paymentId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Booking {BookingId} failed: its payment was declined; seats freed")]
    private static partial void LogBookingFailed(ILogger logger, Guid bookingId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Booking {BookingId} is paying: its hold {HoldId} lasts until {Until}")]
    private static partial void LogHoldExtended(ILogger logger, Guid bookingId, Guid holdId, DateTimeOffset until);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Booking {BookingId} expired unpaid; seats freed")]
    private static partial void LogBookingExpired(ILogger logger, Guid bookingId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Booking {BookingId} cancelled; seats freed; refund owed {RefundOwed}")]
    private static partial void LogBookingCancelled(ILogger logger, Guid bookingId, long refundOwed);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Payment {PaymentId} started for booking {BookingId}: {Gateway} order {OrderId}, {Amount} {Currency}")]
    private static partial void LogPaymentStarted(ILogger logger, Guid paymentId, Guid bookingId, string gateway, string orderId, long amount, string currency);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Payment {PaymentId} captured for booking {BookingId}")]
    private static partial void LogPaymentCaptured(ILogger logger, Guid paymentId, Guid bookingId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Payment {PaymentId} failed for booking {BookingId}")]
    private static partial void LogPaymentFailed(ILogger logger, Guid paymentId, Guid bookingId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Refund of {Amount} owed on payment {PaymentId} (booking {BookingId})")]
    private static partial void LogRefundOwed(ILogger logger, Guid paymentId, Guid bookingId, long amount);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Refund {RefundId} of payment {PaymentId} completed (booking {BookingId})")]
    private static partial void LogRefundCompleted(ILogger logger, Guid paymentId, Guid bookingId, string? refundId);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Ticket {TicketId} of booking {BookingId} admitted to show {ShowId} by {ScannedBy}")]
    private static partial void LogTicketAdmitted(ILogger logger, Guid ticketId, Guid bookingId, Guid showId, Guid scannedBy);
}
