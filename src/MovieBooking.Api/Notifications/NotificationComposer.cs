using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Seating;
using MovieBooking.Api.Tickets;
using QRCoder;

namespace MovieBooking.Api.Notifications;

/// <summary>A message ready to send (an email or a text), or why it is not to be sent.</summary>
public sealed record Composed(MimeMessage? Email, SmsMessage? Sms, string? Skipped)
{
    public static Composed Skip(string reason) => new(null, null, reason);

    public static Composed Mail(MimeMessage email) => new(email, null, null);

    public static Composed Text(SmsMessage sms) => new(null, sms, null);
}

/// <summary>Composes a notification's message when it is sent, from the booking or account it is about, as they are now.</summary>
public sealed class NotificationComposer(
    MovieBookingDb db,
    TicketCode codes,
    AccountLinks links,
    EmailTemplates templates,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    IOptions<EmailOptions> email)
{
    private const string QrContentId = "ticket-qr";

    public async Task<Composed> ComposeAsync(Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Channel == NotificationChannel.Sms)
        {
            return await TextAsync(notification, cancellationToken);
        }

        return notification.Kind switch
        {
            NotificationKind.BookingConfirmed => await ConfirmationAsync(notification, cancellationToken),
            NotificationKind.ShowReminder => await ReminderAsync(notification, cancellationToken),
            NotificationKind.PaymentFailed or NotificationKind.BookingExpired or NotificationKind.BookingCancelled
                or NotificationKind.ShowCancelled or NotificationKind.RefundCompleted => await NewsAsync(notification, cancellationToken),
            NotificationKind.ConfirmEmail or NotificationKind.PasswordReset or NotificationKind.RegistrationAttempt => await AccountAsync(notification, cancellationToken),
            _ => throw new InvalidOperationException($"No message is composed for {notification.Kind}."),
        };
    }

    private async Task<Composed> ConfirmationAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (await BookingAsync(notification, cancellationToken) is not { } found)
        {
            return Composed.Skip("The booking no longer exists.");
        }

        var (facts, recipient, _, _, _, ticket, _) = found;
        if (ticket is null)
        {
            return Composed.Skip("The booking has no ticket: it was never confirmed.");
        }

        var parameters = new Dictionary<string, object?> { ["Booking"] = facts, ["QrContentId"] = QrContentId };
        var body = new BodyBuilder
        {
            HtmlBody = await templates.HtmlAsync<Templates.BookingConfirmedHtml>(parameters),
            TextBody = await templates.TextAsync<Templates.BookingConfirmedText>(new() { ["Booking"] = facts }),
        };
        var qr = body.LinkedResources.Add("ticket-qr.png", QrPng(ticket), new ContentType("image", "png"));
        qr.ContentId = QrContentId;
        var invitation = body.Attachments.Add("show.ics", Invitation(facts), new ContentType("text", "calendar"));
        invitation.ContentType.Parameters.Add("method", "PUBLISH");
        return Composed.Mail(Message(notification, recipient, $"Booking confirmed: {facts.Movie}, {facts.When}", body));
    }

    private async Task<Composed> ReminderAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (await BookingAsync(notification, cancellationToken) is not { } found)
        {
            return Composed.Skip("The booking no longer exists.");
        }

        var (facts, recipient, _, remindByEmail, _, _, _) = found;
        var state = await db.Bookings.AsNoTracking().Where(b => b.Id == notification.BookingId)
            .Select(b => new { b.Status, Show = db.Shows.Where(s => s.Id == b.ShowId).Select(s => s.Status).First() })
            .FirstAsync(cancellationToken);
        if (state.Show != ShowStatus.Scheduled)
        {
            return Composed.Skip("The show was cancelled.");
        }

        if (state.Status != BookingStatus.Confirmed)
        {
            return Composed.Skip($"The booking is {BookingStatusNames.Of(state.Status)}.");
        }

        if (Begun(facts))
        {
            return Composed.Skip(ShowBegun);
        }

        if (!remindByEmail)
        {
            return Composed.Skip("The customer turned email reminders off.");
        }

        var parameters = new Dictionary<string, object?> { ["Booking"] = facts };
        var body = new BodyBuilder
        {
            HtmlBody = await templates.HtmlAsync<Templates.ShowReminderHtml>(parameters),
            TextBody = await templates.TextAsync<Templates.ShowReminderText>(parameters),
        };
        return Composed.Mail(Message(notification, recipient, $"Reminder: {facts.Movie} at {facts.StartsAt:HH:mm}, {facts.Theatre}", body));
    }

    private async Task<Composed> NewsAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (await BookingAsync(notification, cancellationToken) is not { } found)
        {
            return Composed.Skip("The booking no longer exists.");
        }

        var (facts, recipient, _, _, _, _, booking) = found;
        var amount = notification.Amount is { } minor ? Money.Format(minor, facts.Currency) : null;
        var show = $"{facts.Movie} on {facts.When}";
        var (subject, lead, money, next) = notification.Kind switch
        {
            NotificationKind.PaymentFailed => (
                $"Payment failed: {facts.Movie}",
                $"Your payment for {show} did not go through, so no money was taken and the booking is closed.",
                (string?)null,
                (string?)"The seats are free again: choose them on the show's page to book once more."),
            NotificationKind.BookingExpired => (
                $"Booking expired: {facts.Movie}",
                $"Your booking for {show} was not paid in time, so it has expired and no money was taken.",
                null,
                "The seats are free again: choose them on the show's page to book once more."),
            NotificationKind.BookingCancelled => (
                $"Booking cancelled: refund of {amount}",
                $"Your booking for {show} is cancelled. {booking.RefundReason}",
                $"Refund: {amount}",
                "The refund goes back to the card or account you paid with; banks usually show it within 5 to 7 working days. We will write again when it is done."),
            NotificationKind.ShowCancelled => (
                $"Show cancelled: {facts.Movie}, {facts.When}",
                $"We are sorry: the theatre has cancelled {show}. Your booking is cancelled and refunded in full.",
                $"Refund: {amount}",
                "The refund goes back to the card or account you paid with; banks usually show it within 5 to 7 working days. We will write again when it is done."),
            _ => (
                $"Refund completed: {amount}",
                $"The refund for your booking for {show} is complete.",
                $"Refunded: {amount}",
                "It goes back to the card or account you paid with; your bank may take a few days to show it."),
        };
        var parameters = new Dictionary<string, object?> { ["Booking"] = facts, ["Title"] = subject, ["Lead"] = lead, ["Money"] = money, ["Next"] = next };
        var body = new BodyBuilder
        {
            HtmlBody = await templates.HtmlAsync<Templates.BookingNewsHtml>(parameters),
            TextBody = await templates.TextAsync<Templates.BookingNewsText>(parameters),
        };
        return Composed.Mail(Message(notification, recipient, subject, body));
    }

    /// <summary>Messages about the account: a link to confirm the address or to set a new password, or word of a registration with the address.</summary>
    private async Task<Composed> AccountAsync(Notification notification, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == notification.UserId)
            .Select(u => new { u.Name, u.Email, u.EmailConfirmedAt }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return Composed.Skip("The account no longer exists.");
        }

        var site = options.Value.PublicUrl.TrimEnd('/');
        string? link = null;
        if (notification.AccountLinkId is { } linkId)
        {
            var live = await db.AccountLinks.AsNoTracking()
                .AnyAsync(l => l.Id == linkId && l.UsedAt == null && l.ExpiresAt > time.GetUtcNow(), cancellationToken);
            if (!live)
            {
                return Composed.Skip("The link was used or has expired before it could be sent.");
            }

            link = links.Token(linkId);
        }

        if (notification.Kind == NotificationKind.ConfirmEmail && user.EmailConfirmedAt is not null)
        {
            return Composed.Skip("The address was confirmed meanwhile.");
        }

        // Tokens travel in the fragment, so they never reach a server's log or another site's Referer.
        var (subject, lead, label, url, otherwise) = notification.Kind switch
        {
            NotificationKind.ConfirmEmail => (
                "Confirm your email address",
                "Welcome! Please confirm that this address is yours, so your tickets and refunds reach you. You can book right away; confirming takes one click.",
                "Confirm my address",
                $"{site}/confirm-email#token={link}",
                "If you did not create an account, ignore this email: nothing more will be sent."),
            NotificationKind.PasswordReset => (
                "Reset your password",
                "Someone, hopefully you, asked to reset the password of your account. The link works once, within the next few minutes; setting a new password signs you out everywhere.",
                "Choose a new password",
                $"{site}/reset-password#token={link}",
                "If you did not ask for this, ignore this email: your password stays as it is."),
            _ => (
                "You already have an account",
                "Someone, perhaps you, tried to create an account with this email address. It already belongs to your account, so no new account was made.",
                "Reset my password",
                $"{site}/reset-password",
                "If it was you, sign in with your password, or reset it with the button above. If it was not, you can ignore this email: your account is unchanged."),
        };
        var parameters = new Dictionary<string, object?>
        {
            ["Name"] = user.Name,
            ["Title"] = subject,
            ["Lead"] = lead,
            ["ActionLabel"] = label,
            ["ActionUrl"] = url,
            ["Otherwise"] = otherwise,
        };
        var body = new BodyBuilder
        {
            HtmlBody = await templates.HtmlAsync<Templates.AccountHtml>(parameters),
            TextBody = await templates.TextAsync<Templates.AccountText>(parameters),
        };
        return Composed.Mail(Message(notification, new MailboxAddress(user.Name, user.Email), subject, body));
    }

    /// <summary>Texts carry the essentials and a link: the confirmation, and reminders for those who want them by SMS.</summary>
    private async Task<Composed> TextAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (notification.Kind is not (NotificationKind.BookingConfirmed or NotificationKind.ShowReminder))
        {
            throw new InvalidOperationException($"No text is composed for {notification.Kind}.");
        }

        if (await BookingAsync(notification, cancellationToken) is not { } found)
        {
            return Composed.Skip("The booking no longer exists.");
        }

        if (found.Phone is null)
        {
            return Composed.Skip("The customer has no phone number.");
        }

        var facts = found.Facts;
        var seats = string.Join(", ", facts.Seats);
        if (notification.Kind == NotificationKind.BookingConfirmed)
        {
            return Composed.Text(new SmsMessage(found.Phone,
                $"Booking confirmed: {facts.Movie}, {facts.StartsAt:ddd d MMM, HH:mm}, {facts.Theatre} {facts.Screen}, seats {seats}. Ticket: {facts.TicketUrl}"));
        }

        var live = await db.Bookings.AsNoTracking()
            .AnyAsync(b => b.Id == notification.BookingId && b.Status == BookingStatus.Confirmed
                && db.Shows.Any(s => s.Id == b.ShowId && s.Status == ShowStatus.Scheduled), cancellationToken);
        if (!live)
        {
            return Composed.Skip("The booking or the show was cancelled.");
        }

        if (Begun(facts))
        {
            return Composed.Skip(ShowBegun);
        }

        return found.RemindBySms
            ? Composed.Text(new SmsMessage(found.Phone, $"Reminder: {facts.Movie} at {facts.StartsAt:HH:mm} today, {facts.Theatre} {facts.Screen}, seats {seats}. Ticket: {facts.TicketUrl}"))
            : Composed.Skip("The customer did not ask for reminders by SMS.");
    }

    private const string ShowBegun = "The show had begun when the reminder was due to go out.";

    /// <summary>A reminder held up past the show's start (a long outage, a backlog) is no use to anyone.</summary>
    private bool Begun(BookingFacts facts) => facts.StartsAt <= time.GetUtcNow();

    private MimeMessage Message(Notification notification, MailboxAddress recipient, string subject, BodyBuilder body)
    {
        var settings = email.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(recipient);
        message.Subject = subject;
        // Stable per notification: a message sent again after a crash carries the same id, so clients show it once.
        message.MessageId = $"{notification.Id:N}@{settings.MessageIdDomain}";
        message.Date = notification.CreatedAt;
        message.Body = body.ToMessageBody();
        return message;
    }

    private async Task<BookingContext?> BookingAsync(
        Notification notification, CancellationToken cancellationToken)
    {
        var found = await (
                from booking in db.Bookings.AsNoTracking()
                join user in db.Users on booking.UserId equals user.Id
                join show in db.Shows on booking.ShowId equals show.Id
                join movie in db.Movies on show.MovieId equals movie.Id
                join screen in db.Screens on show.ScreenId equals screen.Id
                join theatre in db.Theatres on screen.TheatreId equals theatre.Id
                join city in db.Cities on theatre.CityId equals city.Id
                where booking.Id == notification.BookingId
                select new
                {
                    Booking = booking,
                    user.Name,
                    user.Email,
                    user.Phone,
                    user.RemindByEmail,
                    user.RemindBySms,
                    Movie = movie.Title,
                    show.Language,
                    show.Format,
                    show.StartsAt,
                    show.EndsAt,
                    Theatre = theatre.Name,
                    theatre.Address,
                    City = city.Name,
                    city.TimeZone,
                    Screen = screen.Name,
                    TicketId = db.Tickets.Where(t => t.BookingId == booking.Id).Select(t => (Guid?)t.Id).FirstOrDefault(),
                })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        // Read apart from the booking, so the query above loads no collection.
        var seats = (await db.BookingSeats.AsNoTracking().Where(s => s.BookingId == found.Booking.Id).Select(s => s.SeatId).ToListAsync(cancellationToken))
            .Order(SeatOrder.Instance).ToList();
        var food = await db.BookingFood.AsNoTracking().Where(f => f.BookingId == found.Booking.Id).OrderBy(f => f.Name)
            .Select(f => new FoodFact(f.Name, f.Quantity)).ToListAsync(cancellationToken);
        var ticketUrl = $"{options.Value.PublicUrl.TrimEnd('/')}/bookings/{found.Booking.Id}";
        var facts = new BookingFacts(
            found.Booking.Id, found.Name, found.Movie, found.Language, found.Format,
            CityTime.ToLocal(found.StartsAt, found.TimeZone), CityTime.ToLocal(found.EndsAt, found.TimeZone),
            found.Theatre, found.Address, found.City, found.Screen, seats, food,
            [.. found.Booking.Lines.Select(l => new PriceFact(l.Description, l.Quantity, l.Amount))],
            found.Booking.Total, found.Booking.Currency, found.Booking.OfferCode, ticketUrl);
        var ticket = found.TicketId is { } ticketId ? new TicketClaims(ticketId, found.Booking.ShowId, seats) : null;
        return new BookingContext(facts, new MailboxAddress(found.Name, found.Email), found.Phone, found.RemindByEmail, found.RemindBySms, ticket, found.Booking);
    }

    private byte[] QrPng(TicketClaims ticket)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(codes.Sign(ticket), QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    private byte[] Invitation(BookingFacts facts)
    {
        var show = new CalendarEvent
        {
            Uid = $"{facts.BookingId:N}@{email.Value.MessageIdDomain}",
            Summary = $"{facts.Movie} ({facts.Language}, {facts.Format})",
            Location = $"{facts.Theatre}, {facts.Screen}, {facts.Address}, {facts.City}",
            Description = $"Seats {string.Join(", ", facts.Seats)}. Your ticket: {facts.TicketUrl}",
            Start = new CalDateTime(facts.StartsAt.UtcDateTime, "UTC"),
            End = new CalDateTime(facts.EndsAt.UtcDateTime, "UTC"),
            DtStamp = new CalDateTime(DateTime.UtcNow, "UTC"),
        };
        var calendar = new Calendar { Method = "PUBLISH" };
        calendar.Events.Add(show);
        return System.Text.Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar)!);
    }
}

/// <summary>What a booking's messages are made of: its facts, where its customer is reached and how they want reminders.</summary>
internal sealed record BookingContext(
    BookingFacts Facts, MailboxAddress Mailbox, string? Phone, bool RemindByEmail, bool RemindBySms, TicketClaims? Ticket, Booking Booking);
