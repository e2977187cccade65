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

public static class InvoiceNumbers
{
    /// <summary>
    /// Issues the next number of the booking's theatre, inside the caller's transaction. The theatre's row is written
    /// first, so issuers for one theatre queue (a row lock on PostgreSQL, the one writer on SQLite) and each reads the
    /// true highest number. Issuing again for the same booking and kind keeps the first.
    /// </summary>
    public static async Task IssueAsync(MovieBookingDb db, Guid bookingId, Guid showId, InvoiceKind kind, DateTimeOffset now, long? amount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (await db.Invoices.AnyAsync(i => i.BookingId == bookingId && i.Kind == kind, cancellationToken))
        {
            return;
        }

        var theatreId = await db.Shows.Where(s => s.Id == showId).Select(s => s.Screen!.TheatreId).FirstAsync(cancellationToken);
        await db.Theatres.Where(t => t.Id == theatreId).ExecuteUpdateAsync(t => t.SetProperty(x => x.Name, x => x.Name), cancellationToken);
        var last = await db.Invoices.Where(i => i.TheatreId == theatreId && i.Kind == kind).MaxAsync(i => (long?)i.Number, cancellationToken) ?? 0;
        db.Invoices.Add(new Invoice { TheatreId = theatreId, Kind = kind, Number = last + 1, BookingId = bookingId, IssuedAt = now, Amount = amount });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>How a number reads: <c>INV-1A2B3C4D-000042</c> or <c>CN-1A2B3C4D-000007</c> (the theatre's series, then the number).</summary>
    public static string Format(InvoiceKind kind, Guid theatreId, long number) =>
        $"{(kind == InvoiceKind.Invoice ? "INV" : "CN")}-{theatreId.ToString("N")[^8..].ToUpperInvariant()}-{number:D6}";
}
