using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Catalog;

public sealed record CityResponse(Guid Id, string Name, string Slug, string TimeZone);

public sealed record CityRef(Guid Id, string Name);

public sealed record MovieResponse(
    Guid Id,
    string Title,
    string Description,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Genres,
    int DurationMinutes,
    string Certificate,
    DateOnly ReleaseDate,
    string? PosterUrl);

public sealed record MovieRef(Guid Id, string Title, int DurationMinutes, string Certificate, string? PosterUrl);

/// <summary>A theatre; <c>gapRule</c> says whether a selection may leave a single free seat alone (OFF, STRICT or LENIENT).</summary>
public sealed record TheatreResponse(Guid Id, string Name, string Address, CityRef City, GapRule GapRule);

public sealed record TheatreDetailResponse(Guid Id, string Name, string Address, CityRef City, GapRule GapRule, IReadOnlyList<ScreenSummary> Screens);

public sealed record ScreenSummary(Guid Id, string Name, int SeatCount);

public sealed record ScreenRef(Guid Id, string Name);

/// <summary>Price of one seat of a category, in minor units of the currency.</summary>
public sealed record PriceResponse(SeatCategory Category, long Amount, string Currency);

/// <summary>A show in a list. Times carry the offset of the theatre's city.</summary>
public sealed record ShowSummary(
    Guid Id,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    ScreenRef Screen,
    string Language,
    string Format,
    ShowStatus Status,
    IReadOnlyList<PriceResponse> Prices);

public sealed record TheatreShows(TheatreResponse Theatre, IReadOnlyList<ShowSummary> Shows);

public sealed record ShowResponse(
    Guid Id,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Language,
    string Format,
    ShowStatus Status,
    MovieRef Movie,
    TheatreResponse Theatre,
    ScreenRef Screen,
    IReadOnlyList<PriceResponse> Prices);
