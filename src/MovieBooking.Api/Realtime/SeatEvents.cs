using System.Globalization;
using System.Text;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Realtime;

/// <summary>A seat and the status it now has.</summary>
public sealed record SeatState(string Id, SeatStatus Status);

/// <summary>The data of a <c>seats</c> event: the seats whose status changed, and the show's version after the change.</summary>
public sealed record SeatsChange(long Version, IReadOnlyList<SeatState> Seats);

/// <summary>The data of a <c>snapshot</c> event: the whole seat map at a version.</summary>
public sealed record SeatMapSnapshot(long Version, Guid ShowId, string Currency, IReadOnlyList<SeatMapRow> Rows, SeatSummary Summary);

/// <summary>A published change as it travels between instances: its version and its JSON (the <c>seats</c> event's data).</summary>
public sealed record PublishedChange(long Version, byte[] Json);

/// <summary>One Server-Sent Events frame, formatted once and written to every watcher as is.</summary>
public sealed class SseFrame
{
    private SseFrame(long version, byte[] bytes)
    {
        Version = version;
        Bytes = bytes;
    }

    /// <summary>A comment line: keeps proxies from closing an idle stream.</summary>
    public static SseFrame Heartbeat { get; } = new(-1, ": keep-alive\n\n"u8.ToArray());

    /// <summary>The show version the frame brings the client to; -1 for a comment.</summary>
    public long Version { get; }

    public byte[] Bytes { get; }

    public bool IsComment => Version < 0;

    /// <summary><c>id: version</c>, <c>event: type</c> and one <c>data:</c> line of JSON (which never spans lines).</summary>
    public static SseFrame Event(long version, string type, ReadOnlySpan<byte> json)
    {
        var head = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {version}\nevent: {type}\ndata: "));
        var bytes = new byte[head.Length + json.Length + 2];
        head.CopyTo(bytes, 0);
        json.CopyTo(bytes.AsSpan(head.Length));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return new SseFrame(version, bytes);
    }
}

/// <summary>Seat statuses as the API writes them (<c>AVAILABLE</c>, <c>HELD</c>, …), for stores that keep them as text.</summary>
public static class SeatStatusNames
{
    private static readonly string[] Names = [.. Enum.GetValues<SeatStatus>().Select(s => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(s.ToString()))];

    public static string Of(SeatStatus status) => Names[(int)status];

    public static SeatStatus Parse(string name) => (SeatStatus)Array.IndexOf(Names, name) is var status && (int)status >= 0
        ? status
        : throw new FormatException($"'{name}' is not a seat status.");
}
