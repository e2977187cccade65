using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Invoices;

public sealed record InvoiceParty(string Name, string? Address, string? Email);

/// <summary>A tax invoice or a credit note: its number, the parties, each line's taxable value, rate and tax, and the totals.</summary>
public sealed record InvoiceDocument(
    string Number, InvoiceKind Kind, DateTimeOffset IssuedAt, InvoiceParty Seller, InvoiceParty Buyer, string Currency,
    IReadOnlyList<PriceLine> Lines, long TaxableValue, long Tax, long Total, string? AgainstInvoice);

/// <summary>A booking's GST tax invoice and, once its money was given back, the credit note for it.</summary>
public sealed record InvoiceResponse(InvoiceDocument Invoice, InvoiceDocument? CreditNote);

public static class InvoicesApi
{
    public static IEndpointRouteBuilder MapInvoicesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/bookings/{bookingId:guid}/invoice", GetInvoiceAsync).WithTags("Bookings").RequireAuthorization()
            .WithSummary("The GST tax invoice of the caller's paid booking (numbered per theatre, without gaps), with the credit note for any refund.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> GetInvoiceAsync(
        Guid bookingId, CurrentUser user, MovieBookingDb db, CancellationToken cancellationToken)
    {
        var found = await (
            from b in db.Bookings
            where b.Id == bookingId && b.UserId == user.Id
            join show in db.Shows on b.ShowId equals show.Id
            join screen in db.Screens on show.ScreenId equals screen.Id
            join theatre in db.Theatres on screen.TheatreId equals theatre.Id
            join city in db.Cities on theatre.CityId equals city.Id
            join customer in db.Users on b.UserId equals customer.Id
            select new { Booking = b, Theatre = theatre.Name, theatre.Address, City = city.Name, city.TimeZone, Buyer = customer.Name, customer.Email })
            .AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var documents = await db.Invoices.AsNoTracking().Where(i => i.BookingId == bookingId).ToListAsync(cancellationToken);
        var invoice = documents.FirstOrDefault(i => i.Kind == InvoiceKind.Invoice);
        if (found is null || invoice is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invoice not found",
                detail: $"No paid booking of yours has the id '{bookingId}'; a booking gets its tax invoice when it is paid.");
        }

        var seller = new InvoiceParty(found.Theatre, $"{found.Address}, {found.City}", null);
        var buyer = new InvoiceParty(found.Buyer, null, found.Email);
        var lines = found.Booking.Lines;
        var invoiceNumber = InvoiceNumbers.Format(InvoiceKind.Invoice, invoice.TheatreId, invoice.Number);
        InvoiceDocument Document(Invoice issued, IReadOnlyList<PriceLine> of, string? against) => new(
            InvoiceNumbers.Format(issued.Kind, issued.TheatreId, issued.Number), issued.Kind, Catalog.CityTime.ToLocal(issued.IssuedAt, found.TimeZone),
            seller, buyer, found.Booking.Currency, of, of.Sum(l => l.TaxableValue), of.Sum(l => l.Tax), of.Sum(l => l.Amount), against);

        var credit = documents.FirstOrDefault(i => i.Kind == InvoiceKind.CreditNote);
        return TypedResults.Ok(new InvoiceResponse(
            Document(invoice, lines, null),
            credit is null ? null : Document(credit, CreditLines(lines, credit.Amount ?? found.Booking.Total), invoiceNumber)));
    }

    /// <summary>
    /// The lines a refund gives back: food and drink first and in full, then the tickets (shared in proportion to what
    /// was paid for each), then the convenience fee; each part's tax by the line's rate and the one rounding rule.
    /// </summary>
    public static List<PriceLine> CreditLines(IReadOnlyList<PriceLine> lines, long refund)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var given = new long[lines.Count];
        var left = refund;
        void Give(IEnumerable<int> indexes)
        {
            foreach (var i in indexes)
            {
                given[i] = Math.Min(left, lines[i].Amount);
                left -= given[i];
            }
        }

        var all = Enumerable.Range(0, lines.Count).ToList();
        Give(all.Where(i => lines[i].Kind == PriceLineKind.Food));
        var tickets = all.Where(i => lines[i].Kind == PriceLineKind.Ticket).ToList();
        var toTickets = Math.Min(left, tickets.Sum(i => lines[i].Amount));
        var shares = OfferRules.Allocate(toTickets, [.. tickets.Select(i => lines[i].Amount)]);
        for (var k = 0; k < tickets.Count; k++)
        {
            given[tickets[k]] = shares[k];
        }

        left -= toTickets;
        Give(all.Where(i => lines[i].Kind == PriceLineKind.ConvenienceFee));
        // In the invoice's order, so each credit line stands against its invoice line.
        return [.. all.Where(i => given[i] > 0).Select(i => Part(lines[i], given[i]))];
    }

    private static PriceLine Part(PriceLine line, long amount) => amount == line.Amount
        ? line with { Discount = 0 }
        : PriceCalculator.Included(line.Kind, line.Description, line.Quantity, line.UnitPrice, 0, amount, line.TaxRate);
}
