using System.Collections.Concurrent;

namespace MovieBooking.Api.Catalog;

/// <summary>Converts between stored UTC instants and a city's local calendar.</summary>
public static class CityTime
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static TimeZoneInfo Zone(string timeZoneId) =>
        Zones.GetOrAdd(timeZoneId, TimeZoneInfo.FindSystemTimeZoneById);

    public static bool IsKnownZone(string timeZoneId) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out _);

    /// <summary>The instant as it reads on a clock in the city, with the city's UTC offset.</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant, string timeZoneId) =>
        TimeZoneInfo.ConvertTime(instant, Zone(timeZoneId));

    /// <summary>The UTC interval [start, end) that the local calendar day covers in the city.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Day(DateOnly date, string timeZoneId)
    {
        var zone = Zone(timeZoneId);
        return (AtLocal(date, TimeOnly.MinValue, zone), AtLocal(date.AddDays(1), TimeOnly.MinValue, zone));
    }

    /// <summary>The UTC instant of a local wall-clock time in the city.</summary>
    public static DateTimeOffset AtLocal(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>Today's date on a clock in the city.</summary>
    public static DateOnly Today(DateTimeOffset now, string timeZoneId) =>
        DateOnly.FromDateTime(ToLocal(now, timeZoneId).DateTime);
}
