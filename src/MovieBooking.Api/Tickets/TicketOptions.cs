namespace MovieBooking.Api.Tickets;

/// <summary>Bound from <c>Tickets</c>.</summary>
public sealed class TicketOptions
{
    public const string Section = "Tickets";

    /// <summary>
    /// The Ed25519 private key (its 32-byte seed, base64) that signs ticket codes. Required outside Development; in
    /// Development one is generated once and kept in <see cref="DevelopmentKeyFile"/>.
    /// </summary>
    public string? SigningKey { get; set; }

    public string DevelopmentKeyFile { get; set; } = "data/ticket-signing.key";

    /// <summary>How long before a show's start its tickets are admitted; admission ends when the show does.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Tickets:CheckInOpensBefore must be between 00:00:00 and 7.00:00:00.")]
    public TimeSpan CheckInOpensBefore { get; set; } = TimeSpan.FromHours(2);
}
