using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Invoices;

/// <summary>
/// A GST tax invoice (issued when a booking is confirmed) or a credit note (issued when a confirmed booking's money is
/// owed back), numbered per theatre and kind without gaps or duplicates: the number is taken in the transaction that
/// confirms or cancels the booking, so a rolled-back confirmation takes no number, and the primary key refuses a repeat.
/// </summary>
public sealed class Invoice
{
    public Guid TheatreId { get; init; }
    public InvoiceKind Kind { get; init; }
    public long Number { get; init; }
    public Guid BookingId { get; init; }
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>For a credit note, the amount given back.</summary>
    public long? Amount { get; init; }
}

public enum InvoiceKind
{
    Invoice,
    CreditNote,
}

/// <summary>The last number issued in one theatre's series of one kind.</summary>
public sealed class InvoiceSeries
{
    public Guid TheatreId { get; init; }
    public InvoiceKind Kind { get; init; }
    public long LastNumber { get; init; }
}

public static class InvoiceNumbers
{
    // The series row is counted up first (inserted at 1 by a theatre's first document of the kind), which locks it
    // until the transaction ends: issuers for one theatre queue there, and each takes the number it counted. The
    // document is then written under that number. A booking that already has its document of the kind counts nothing.
    private const string Issue = """
        INSERT INTO invoice_series (theatre_id, kind, last_number)
        SELECT sc.theatre_id, {0}, 1 FROM shows s JOIN screens sc ON sc.id = s.screen_id
        WHERE s.id = {1} AND NOT EXISTS (SELECT 1 FROM invoices WHERE booking_id = {2} AND kind = {0})
        ON CONFLICT (theatre_id, kind) DO UPDATE SET last_number = invoice_series.last_number + 1;
        INSERT INTO invoices (theatre_id, kind, number, booking_id, issued_at, amount)
        SELECT x.theatre_id, x.kind, x.last_number, {2}, {3}, CAST({4} AS bigint)
        FROM shows s JOIN screens sc ON sc.id = s.screen_id JOIN invoice_series x ON x.theatre_id = sc.theatre_id AND x.kind = {0}
        WHERE s.id = {1} AND NOT EXISTS (SELECT 1 FROM invoices WHERE booking_id = {2} AND kind = {0});
        """;

    /// <summary>
    /// Issues the next number of the booking's theatre, inside the caller's transaction, in one round trip; call it
    /// last before the commit, as the theatre's series stays locked until then. Issuing again for the same booking and
    /// kind keeps the first.
    /// </summary>
    public static Task IssueAsync(MovieBookingDb db, Guid bookingId, Guid showId, InvoiceKind kind, DateTimeOffset now, long? amount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var issuedAt = db.Model.FindEntityType(typeof(Invoice))!.FindProperty(nameof(Invoice.IssuedAt))!.GetTypeMapping().Converter?.ConvertToProvider(now) ?? now;
        // A null amount (an invoice) binds as SQL NULL; the CAST gives PostgreSQL its type.
        return db.Database.ExecuteSqlRawAsync(
            Issue, [UpperSnakeCaseEnumConverter<InvoiceKind>.NameOf(kind), showId, bookingId, issuedAt, amount!], cancellationToken);
    }

    /// <summary>How a number reads: <c>INV-1A2B3C4D-000042</c> or <c>CN-1A2B3C4D-000007</c> (the theatre's series, then the number).</summary>
    public static string Format(InvoiceKind kind, Guid theatreId, long number) =>
        $"{(kind == InvoiceKind.Invoice ? "INV" : "CN")}-{theatreId.ToString("N")[^8..].ToUpperInvariant()}-{number:D6}";
}
