using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Notifications;

/// <summary>
/// Writes the messages a change owes into the caller's unit of work, so they commit (or roll back) with the change.
/// The caller saves; after its commit it tells the <see cref="OutboxSignal"/>.
/// </summary>
public static class Outbox
{
    /// <summary>
    /// A confirmed booking: the confirmation now and the reminder before its show, each by email and by SMS. Whether a
    /// text or a reminder goes out (a phone number, the customer's choices) is decided when it is due, so nothing is
    /// read here, in the sale's transaction.
    /// </summary>
    public static void BookingConfirmed(MovieBookingDb db, Booking booking, DateTimeOffset showStartsAt, DateTimeOffset now, TimeSpan reminderBefore)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(booking);
        var remindAt = showStartsAt - reminderBefore;
        foreach (var channel in (ReadOnlySpan<NotificationChannel>)[NotificationChannel.Email, NotificationChannel.Sms])
        {
            db.Notifications.Add(new Notification
            {
                Kind = NotificationKind.BookingConfirmed,
                Channel = channel,
                UserId = booking.UserId,
                BookingId = booking.Id,
                DueAt = now,
                CreatedAt = now,
            });
            if (remindAt > now)
            {
                db.Notifications.Add(new Notification
                {
                    Kind = NotificationKind.ShowReminder,
                    Channel = channel,
                    UserId = booking.UserId,
                    BookingId = booking.Id,
                    DueAt = remindAt,
                    CreatedAt = now,
                });
            }
        }
    }

    /// <summary>A message about the account itself (an emailed link, or a registration with its address), due now.</summary>
    public static void AccountMessage(MovieBookingDb db, NotificationKind kind, Guid userId, DateTimeOffset now, Guid? linkId = null) =>
        EmailNow(db, new Notification { Kind = kind, Channel = NotificationChannel.Email, UserId = userId, AccountLinkId = linkId, DueAt = now, CreatedAt = now });

    /// <summary>A message about a change to a booking (failed, expired, cancelled, refunded), due now.</summary>
    public static void BookingChanged(MovieBookingDb db, NotificationKind kind, Guid userId, Guid bookingId, DateTimeOffset now, long? amount = null) =>
        EmailNow(db, new Notification { Kind = kind, Channel = NotificationChannel.Email, UserId = userId, BookingId = bookingId, Amount = amount, DueAt = now, CreatedAt = now });

    private static void EmailNow(MovieBookingDb db, Notification notification)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Notifications.Add(notification);
    }
}
