using MovieBooking.Api.Bookings;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Notifications;

/// <summary>
/// Writes the messages a change owes into the caller's unit of work, so they commit (or roll back) with the change.
/// The caller saves; after its commit it tells the <see cref="OutboxSignal"/>.
/// </summary>
public static class Outbox
{
    /// <summary>A confirmed booking: the confirmation now, and the reminder before its show.</summary>
    public static void BookingConfirmed(MovieBookingDb db, Booking booking, DateTimeOffset showStartsAt, DateTimeOffset now, TimeSpan reminderBefore)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(booking);
        db.Notifications.Add(new Notification
        {
            Kind = NotificationKind.BookingConfirmed,
            Channel = NotificationChannel.Email,
            UserId = booking.UserId,
            BookingId = booking.Id,
            DueAt = now,
            CreatedAt = now,
        });
        var remindAt = showStartsAt - reminderBefore;
        if (remindAt > now)
        {
            db.Notifications.Add(new Notification
            {
                Kind = NotificationKind.ShowReminder,
                Channel = NotificationChannel.Email,
                UserId = booking.UserId,
                BookingId = booking.Id,
                DueAt = remindAt,
                CreatedAt = now,
            });
        }
    }

    /// <summary>A message about a change to a booking (failed, expired, cancelled, refunded), due now.</summary>
    public static void BookingChanged(MovieBookingDb db, NotificationKind kind, Guid userId, Guid bookingId, DateTimeOffset now, long? amount = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Notifications.Add(new Notification
        {
            Kind = kind,
            Channel = NotificationChannel.Email,
            UserId = userId,
            BookingId = bookingId,
            Amount = amount,
            DueAt = now,
            CreatedAt = now,
        });
    }
}
