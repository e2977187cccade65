using System.Linq.Expressions;

namespace MovieBooking.Api.Catalog;

/// <summary>What a show query reads; times are converted to the city's offset after the query.</summary>
internal sealed record ShowRow(
    Guid Id,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Language,
    string Format,
    ShowStatus Status,
    string Currency,
    string TimeZone,
    MovieRef Movie,
    TheatreResponse Theatre,
    ScreenRef Screen,
    List<ShowRow.Price> Prices)
{
    internal sealed record Price(SeatCategory Category, long Amount);

    public ShowSummary ToSummary() =>
        new(Id, CityTime.ToLocal(StartsAt, TimeZone), CityTime.ToLocal(EndsAt, TimeZone), Screen, Language, Format, Status, PriceList());

    public ShowResponse ToResponse() =>
        new(Id, CityTime.ToLocal(StartsAt, TimeZone), CityTime.ToLocal(EndsAt, TimeZone), Language, Format, Status, Movie, Theatre, Screen, PriceList());

    private List<PriceResponse> PriceList() =>
        [.. Prices.OrderBy(p => p.Category).Select(p => new PriceResponse(p.Category, p.Amount, Currency))];
}

internal static class ShowProjections
{
    public static readonly Expression<Func<Show, ShowRow>> Listed = s => new ShowRow(
        s.Id,
        s.StartsAt,
        s.EndsAt,
        s.Language,
        s.Format,
        s.Status,
        s.Currency,
        s.Screen!.Theatre!.City!.TimeZone,
        new MovieRef(s.Movie!.Id, s.Movie.Title, s.Movie.DurationMinutes, s.Movie.Certificate, s.Movie.PosterUrl),
        new TheatreResponse(s.Screen.Theatre.Id, s.Screen.Theatre.Name, s.Screen.Theatre.Address,
            new CityRef(s.Screen.Theatre.City.Id, s.Screen.Theatre.City.Name), s.Screen.Theatre.GapRule),
        new ScreenRef(s.Screen.Id, s.Screen.Name),
        s.Prices.Select(p => new ShowRow.Price(p.Category, p.Amount)).ToList());
}
