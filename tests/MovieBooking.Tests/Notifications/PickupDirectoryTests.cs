using Microsoft.Extensions.Options;
using MimeKit;
using MovieBooking.Api.Notifications;

namespace MovieBooking.Tests.Notifications;

/// <summary>Without a mail server, each email is an .eml file named after its Message-ID (the browser tests read them from ./data/mail/ of a running service).</summary>
public sealed class PickupDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("moviebooking-pickup-").FullName;

    [Fact]
    public async Task An_email_is_written_as_an_eml_file_and_a_repeat_replaces_it()
    {
        var transport = new PickupDirectoryTransport(Options.Create(new EmailOptions { PickupDirectory = Path.Combine(_root, "data", "mail") }));
        var message = new MimeMessage { Subject = "Booking confirmed", MessageId = "0123abcd@moviebooking.localhost" };
        message.From.Add(MailboxAddress.Parse("tickets@moviebooking.localhost"));
        message.To.Add(MailboxAddress.Parse("asha@example.com"));
        message.Body = new TextPart("plain") { Text = "Seats A1, A2" };

        await transport.SendAsync(message, CancellationToken.None);
        await transport.SendAsync(message, CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_root, "data", "mail")));
        Assert.Equal("0123abcd@moviebooking.localhost.eml", Path.GetFileName(file));
        var read = await MimeMessage.LoadAsync(file);
        Assert.Equal(("Booking confirmed", "Seats A1, A2"), (read.Subject, read.TextBody!.TrimEnd()));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
