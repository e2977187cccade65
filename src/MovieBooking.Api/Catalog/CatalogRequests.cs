using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Catalog;

public sealed record CityRequest(
    [property: Required, StringLength(100, MinimumLength = 2)] string Name,
    [property: Required, StringLength(100, MinimumLength = 2), RegularExpression("^[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "A slug is lower-case letters and digits separated by single hyphens.")] string Slug,
    [property: Required, StringLength(64), KnownTimeZone] string TimeZone);

public sealed record MovieRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Description,
    [property: Required, MinLength(1), MaxLength(20)] List<string> Languages,
    [property: Required, MinLength(1), MaxLength(10)] List<string> Genres,
    [property: Range(1, 600)] int DurationMinutes,
    [property: Required, RegularExpression(@"^(U|UA|UA7\+|UA13\+|UA16\+|A|S)$", ErrorMessage = "The certificate is one of U, UA, UA7+, UA13+, UA16+, A, S.")] string Certificate,
    [property: Required] DateOnly? ReleaseDate,
    [property: Url, StringLength(2048)] string? PosterUrl);

public sealed record CreateTheatreRequest(
    [property: Required] Guid? CityId,
    [property: Required, StringLength(200, MinimumLength = 2)] string Name,
    [property: Required, StringLength(500, MinimumLength = 5)] string Address,
    [property: Required] Guid? OwnerId,
    [property: Description("Whether a selection may leave a single free seat alone: OFF, STRICT (the default) or LENIENT.")] GapRule? GapRule = null);

public sealed record UpdateTheatreRequest(
    [property: Required, StringLength(200, MinimumLength = 2)] string Name,
    [property: Required, StringLength(500, MinimumLength = 5)] string Address,
    [property: Description("OFF, STRICT or LENIENT; left out, the rule stays as it is.")] GapRule? GapRule = null);

public sealed record ScreenRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required] List<SeatLayoutRow> Rows,
    [property: Description("Where the best seats are measured from; left out, the centre of the row about two thirds of the way back.")] FocalPoint? FocalPoint = null);

/// <summary>A point on a screen's layout: a row by its label and a column (a half column lies between two seats).</summary>
public sealed record FocalPoint(
    [property: Required, RegularExpression("^[A-Z]{1,2}$", ErrorMessage = "A row label is one or two capital letters, e.g. A or AA.")] string Row,
    [property: Range(0, SeatLayout.MaxColumn)] double Column);

public sealed record ScreenResponse(Guid Id, Guid TheatreId, string Name, int SeatCount, IReadOnlyList<SeatLayoutRow> Rows, FocalPoint? FocalPoint);

public sealed record CreateShowRequest(
    [property: Required] Guid? MovieId,
    [property: Required] Guid? ScreenId,
    [property: Required] DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    [property: Required, StringLength(40, MinimumLength = 2)] string Language,
    [property: Required, StringLength(20, MinimumLength = 2)] string Format,
    [property: MaxLength(3)] List<CategoryPrice>? Prices);

public sealed record UpdateShowRequest(
    [property: Required] DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    [property: Required, StringLength(40, MinimumLength = 2)] string Language,
    [property: Required, StringLength(20, MinimumLength = 2)] string Format,
    [property: MaxLength(3)] List<CategoryPrice>? Prices);

/// <summary>An IANA time zone id this machine knows, e.g. <c>Asia/Kolkata</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class KnownTimeZoneAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not string zone || CityTime.IsKnownZone(zone);

    public override string FormatErrorMessage(string name) => "Unknown time zone; use an IANA id such as Asia/Kolkata.";
}
