namespace MovieBooking.Api.Notifications;

/// <summary>
/// A message to send, written in the same transaction as the change it reports (the outbox), then sent by a
/// dispatcher in some instance: claimed for a while, sent, and marked sent, or tried again later. A message is
/// composed when it is sent, from the booking or account it is about.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public NotificationKind Kind { get; init; }
    public NotificationChannel Channel { get; init; }
    public Guid UserId { get; init; }
    public Guid? BookingId { get; init; }

    /// <summary>The emailed link a message about the account carries (its secret is derived, never stored).</summary>
    public Guid? AccountLinkId { get; init; }

    /// <summary>An amount the message states as it was at the change (a refund), in minor units.</summary>
    public long? Amount { get; init; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Pending;

    /// <summary>Sending attempts started so far (claims), successful or not.</summary>
    public int Attempts { get; set; }

    /// <summary>When it is next due: written as due now (or at a reminder's time), moved on by a claim or a failure.</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Why the last attempt failed, or why the message was not sent.</summary>
    public string? LastError { get; set; }
}

public enum NotificationKind
{
    BookingConfirmed,
    ShowReminder,

    /// <summary>The payment of an unpaid booking was declined; its seats are free again.</summary>
    PaymentFailed,

    /// <summary>An unpaid booking lapsed; its seats are free again.</summary>
    BookingExpired,

    /// <summary>A paid booking was cancelled (by its customer, or because its seats were gone when the money came), owing <see cref="Notification.Amount"/> back.</summary>
    BookingCancelled,

    /// <summary>The theatre cancelled the show; the booking is refunded in full (<see cref="Notification.Amount"/>).</summary>
    ShowCancelled,

    /// <summary>The gateway completed the booking's refund of <see cref="Notification.Amount"/>.</summary>
    RefundCompleted,

    /// <summary>A new account's address is asked to confirm itself through a link.</summary>
    ConfirmEmail,

    /// <summary>A password reset was asked for the account: the link to set a new one.</summary>
    PasswordReset,

    /// <summary>Someone registered with the address of an existing account: its owner is told, the stranger is not.</summary>
    RegistrationAttempt,
}

public enum NotificationChannel
{
    Email,
    Sms,
}

public enum NotificationStatus
{
    /// <summary>Waiting to be sent, or being sent (claimed until its due time).</summary>
    Pending,
    Sent,

    /// <summary>Every attempt failed; an admin may send it again.</summary>
    Failed,

    /// <summary>No longer to be sent: a reminder for a booking or show cancelled meanwhile.</summary>
    Skipped,
}
