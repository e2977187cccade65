using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Seating;
using QRCoder;

namespace MovieBooking.Api.Tickets;

public sealed record TicketShow(Guid Id, string Movie, DateTimeOffset StartsAt, string Language, string Format);

public sealed record TicketPlace(Guid Id, string Name);

public sealed record TicketResponse(
    Guid TicketId, Guid BookingId, TicketShow Show, TicketPlace Theatre, TicketPlace Screen, IReadOnlyList<string> Seats, string Qr,
    DateTimeOffset IssuedAt, DateTimeOffset? CheckedInAt, IReadOnlyList<TicketFood> Food);

/// <summary>Food and drink to collect with the ticket.</summary>
public sealed record TicketFood(string Name, int Quantity);

public sealed record PublicKeyResponse(string Algorithm, string PublicKey, string Encoding, string CodeFormat);

public sealed record CheckInRequest([property: Required] string? Qr);

public sealed record CheckInResponse(Guid TicketId, Guid BookingId, Guid ShowId, IReadOnlyList<string> Seats, DateTimeOffset AdmittedAt);

public static class TicketsApi
{
    public static IEndpointRouteBuilder MapTicketsApi(this IEndpointRouteBuilder routes)
    {
        var bookings = routes.MapGroup("/api/bookings/{bookingId:guid}/ticket").WithTags("Tickets").RequireAuthorization();
        bookings.MapGet("/", GetTicketAsync)
            .WithSummary("The ticket of the caller's confirmed booking, with its signed QR code.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        bookings.MapGet("/qr.png", GetQrAsync)
            .WithSummary("The ticket's QR code as a PNG image.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/api/tickets/public-key", GetPublicKey).WithTags("Tickets")
            .WithSummary("The Ed25519 public key scanners verify ticket codes with, offline.");

        routes.MapPost("/api/checkins", CheckInAsync).WithTags("Tickets")
            .RequireAuthorization(Policies.TheatreManager)
            .WithSummary("Admits a ticket at the door, once, from 2 hours (Tickets:CheckInOpensBefore) before the show until its end. Its theatre's owner or an admin scans.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Ok<TicketResponse>, ProblemHttpResult>> GetTicketAsync(
        Guid bookingId, CurrentUser user, MovieBookingDb db, TicketCode codes, CancellationToken cancellationToken)
    {
        var ticket = await FindTicketAsync(db, codes, user.Id, bookingId, cancellationToken);
        return ticket is null ? NoTicket(bookingId) : TypedResults.Ok(ticket);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetQrAsync(
        Guid bookingId, CurrentUser user, MovieBookingDb db, TicketCode codes, CancellationToken cancellationToken)
    {
        var ticket = await FindTicketAsync(db, codes, user.Id, bookingId, cancellationToken);
        if (ticket is null)
        {
            return NoTicket(bookingId);
        }

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(ticket.Qr, QRCodeGenerator.ECCLevel.M);
        return TypedResults.File(new PngByteQRCode(data).GetGraphic(8), "image/png");
    }

    private static Ok<PublicKeyResponse> GetPublicKey(TicketCode codes) =>
        TypedResults.Ok(new PublicKeyResponse("Ed25519", Base64Url.EncodeToString(codes.PublicKey), "raw 32-byte key, base64url",
            "base64url(version 1 | ticket id 16 | show id 16 | seats length 2 (big-endian) | seats UTF-8 \"C7,C8\" | Ed25519 signature 64 over all before it)"));

    private static async Task<Results<Ok<CheckInResponse>, ValidationProblem, ProblemHttpResult>> CheckInAsync(
        CheckInRequest request,
        CurrentUser user,
        MovieBookingDb db,
        WriteGate gate,
        TicketCode codes,
        IOptions<TicketOptions> options,
        DomainEvents events,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (codes.Read(request.Qr) is not { } claims)
        {
            return ApiProblems.Invalid("qr", "The code is not a ticket of this service, or it was altered.");
        }

        var entry = await (
            from ticket in db.Tickets
            join booking in db.Bookings on ticket.BookingId equals booking.Id
            join show in db.Shows on booking.ShowId equals show.Id
            join screen in db.Screens on show.ScreenId equals screen.Id
            join theatre in db.Theatres on screen.TheatreId equals theatre.Id
            join city in db.Cities on theatre.CityId equals city.Id
            where ticket.Id == claims.TicketId
            select new { ticket.Id, ticket.BookingId, booking.ShowId, booking.Status, theatre.OwnerId, ticket.CheckedInAt, show.StartsAt, show.EndsAt, city.TimeZone })
            .AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (entry is null || entry.ShowId != claims.ShowId)
        {
            return ApiProblems.NotFound("Ticket", claims.TicketId);
        }

        if (!user.CanManageTheatreOf(entry.OwnerId))
        {
            return ApiProblems.Forbidden("Only the show's theatre admits its tickets.");
        }

        if (entry.Status != BookingStatus.Confirmed)
        {
            return ApiProblems.Conflict("Ticket not valid", $"The booking is {BookingStatusNames.Of(entry.Status)}; the ticket does not admit.");
        }

        var now = time.GetUtcNow();
        var opens = entry.StartsAt - options.Value.CheckInOpensBefore;
        if (now < opens || now >= entry.EndsAt)
        {
            var local = (DateTimeOffset instant) => CityTime.ToLocal(instant, entry.TimeZone);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: now < opens ? "Check-in not open yet" : "Show is over",
                detail: $"Tickets of this show are admitted from {local(opens):yyyy-MM-dd HH:mm} until its end at {local(entry.EndsAt):yyyy-MM-dd HH:mm} (theatre's local time).",
                extensions: new Dictionary<string, object?> { ["opensAt"] = local(opens), ["closesAt"] = local(entry.EndsAt) });
        }

        var userId = user.Id;
        int admitted;
        using (await gate.EnterAsync(cancellationToken))
        {
            // The booking row first: a cancellation racing this admission either finished before (the booking is no
            // longer confirmed) or waits for it and then sees the ticket admitted.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var stillValid = await db.Bookings
                .Where(b => b.Id == entry.BookingId && b.Status == BookingStatus.Confirmed)
                .ExecuteUpdateAsync(b => b.SetProperty(x => x.UpdatedAt, now), cancellationToken);
            if (stillValid == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return ApiProblems.Conflict("Ticket not valid", "The booking was cancelled; the ticket does not admit.");
            }

            admitted = await db.Tickets
                .Where(t => t.Id == entry.Id && t.CheckedInAt == null)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.CheckedInAt, now).SetProperty(x => x.CheckedInBy, userId), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (admitted == 0)
        {
            var first = CityTime.ToLocal(await db.Tickets.Where(t => t.Id == entry.Id).Select(t => t.CheckedInAt!.Value).FirstAsync(cancellationToken), entry.TimeZone);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Ticket already used",
                detail: $"The ticket was admitted at {first:yyyy-MM-dd HH:mm:ss} (theatre's local time).",
                extensions: new Dictionary<string, object?> { ["admittedAt"] = first });
        }

        events.TicketAdmitted(entry.Id, entry.BookingId, entry.ShowId, userId);
        return TypedResults.Ok(new CheckInResponse(entry.Id, entry.BookingId, entry.ShowId, claims.Seats, CityTime.ToLocal(now, entry.TimeZone)));
    }

    private static async Task<TicketResponse?> FindTicketAsync(MovieBookingDb db, TicketCode codes, Guid userId, Guid bookingId, CancellationToken cancellationToken)
    {
        var found = await (
            from ticket in db.Tickets
            join booking in db.Bookings on ticket.BookingId equals booking.Id
            join show in db.Shows on booking.ShowId equals show.Id
            join movie in db.Movies on show.MovieId equals movie.Id
            join screen in db.Screens on show.ScreenId equals screen.Id
            join theatre in db.Theatres on screen.TheatreId equals theatre.Id
            join city in db.Cities on theatre.CityId equals city.Id
            where booking.Id == bookingId && booking.UserId == userId && booking.Status == BookingStatus.Confirmed
            select new
            {
                Ticket = ticket,
                city.TimeZone,
                Show = new TicketShow(show.Id, movie.Title, show.StartsAt, show.Language, show.Format),
                Theatre = new TicketPlace(theatre.Id, theatre.Name),
                Screen = new TicketPlace(screen.Id, screen.Name),
                Seats = booking.Seats.Select(s => s.SeatId).ToList(),
            })
            .AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var seats = found.Seats.Order(SeatOrder.Instance).ToList();
        var qr = codes.Sign(new TicketClaims(found.Ticket.Id, found.Show.Id, seats));
        var local = (DateTimeOffset instant) => CityTime.ToLocal(instant, found.TimeZone);
        return new TicketResponse(found.Ticket.Id, bookingId, found.Show with { StartsAt = local(found.Show.StartsAt) }, found.Theatre, found.Screen,
            seats, qr, local(found.Ticket.IssuedAt), found.Ticket.CheckedInAt is { } admitted ? local(admitted) : null,
            await db.BookingFood.Where(f => f.BookingId == bookingId).OrderBy(f => f.Name).Select(f => new TicketFood(f.Name, f.Quantity)).ToListAsync(cancellationToken));
    }

    private static ProblemHttpResult NoTicket(Guid bookingId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Ticket not found",
            detail: $"No confirmed booking of yours has the id '{bookingId}'; a ticket is issued once a booking is paid.");
}
