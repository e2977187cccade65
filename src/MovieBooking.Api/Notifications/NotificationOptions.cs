using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace MovieBooking.Api.Notifications;

/// <summary>Bound from <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Whether this process sends what the outbox holds; off in API instances when a separate worker sends.</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often the dispatcher looks for due messages written by other instances (its own wake it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Notifications:PollInterval must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed message is left to the instance sending it before another may send it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Notifications:Lease must be between 00:00:05 and 01:00:00.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the first retry; it doubles with each attempt (with jitter) up to <see cref="LongestRetry"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Notifications:FirstRetry must be between 00:00:01 and 01:00:00.")]
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Notifications:LongestRetry must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan LongestRetry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts before a message is marked failed (an admin may send it again).</summary>
    [Range(1, 100, ErrorMessage = "Notifications:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Messages one dispatcher sends at once: a mail server far away answers each step after a round trip, so one conversation at a time would cap a dispatcher at a few messages a second.</summary>
    [Range(1, 64, ErrorMessage = "Notifications:Concurrency must be between 1 and 64.")]
    public int Concurrency { get; set; } = 4;

    /// <summary>Messages one dispatcher round claims at most.</summary>
    [Range(1, 1000, ErrorMessage = "Notifications:BatchSize must be between 1 and 1000.")]
    public int BatchSize { get; set; } = 50;

    /// <summary>How long before a show its reminder goes out.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00", ErrorMessage = "Notifications:ReminderBefore must be between 00:05:00 and 7.00:00:00.")]
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromHours(3);

    /// <summary>The web app's address, for links in messages (the ticket, the bookings).</summary>
    [Required(ErrorMessage = "Notifications:PublicUrl is required."), Url(ErrorMessage = "Notifications:PublicUrl must be an absolute http(s) URL.")]
    public string PublicUrl { get; set; } = "http://localhost:5000";
}

/// <summary>Bound from <c>Notifications:Email</c>: the sender, and the SMTP server; without a host, messages are written as .eml files.</summary>
public sealed class EmailOptions
{
    public const string Section = "Notifications:Email";

    [Required(ErrorMessage = "Notifications:Email:From is required.")]
    public string From { get; set; } = "Movie tickets <tickets@moviebooking.localhost>";

    /// <summary>The domain of every message's <c>Message-ID</c> (<c>&lt;notification id@domain&gt;</c>).</summary>
    [Required(ErrorMessage = "Notifications:Email:MessageIdDomain is required.")]
    public string MessageIdDomain { get; set; } = "moviebooking.localhost";

    /// <summary>Where messages are written as .eml files when no SMTP host is set.</summary>
    public string PickupDirectory { get; set; } = "data/mail";

    public string? SmtpHost { get; set; }

    [Range(1, 65535, ErrorMessage = "Notifications:Email:SmtpPort must be between 1 and 65535.")]
    public int SmtpPort { get; set; } = 587;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's <see cref="SecureSocketOptions"/>).</summary>
    public SecureSocketOptions SmtpSecurity { get; set; } = SecureSocketOptions.StartTls;

    public string? SmtpUserName { get; set; }
    public string? SmtpPassword { get; set; }

    /// <summary>How long one SMTP conversation may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Notifications:Email:SmtpTimeout must be between 00:00:01 and 00:05:00.")]
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
