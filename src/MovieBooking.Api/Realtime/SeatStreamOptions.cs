using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Realtime;

/// <summary>Bound from <c>SeatStream</c>: the live seat map.</summary>
public sealed class SeatStreamOptions
{
    public const string Section = "SeatStream";

    /// <summary>How often an idle stream gets a comment line, so proxies keep the connection open.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "SeatStream:Heartbeat must be between 00:00:01 and 00:10:00.")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events a watcher may have waiting; one that falls further behind gets a fresh snapshot instead.</summary>
    [Range(2, 4096, ErrorMessage = "SeatStream:QueueLength must be between 2 and 4096.")]
    public int QueueLength { get; set; } = 32;

    /// <summary>Changes kept per show for clients that reconnect with <c>Last-Event-ID</c>.</summary>
    [Range(1, 100_000, ErrorMessage = "SeatStream:KeptChanges must be between 1 and 100000.")]
    public int KeptChanges { get; set; } = 256;

    /// <summary>How long an instance keeps following a show after its last watcher left, for quick reconnects.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "SeatStream:Linger must be between 00:00:00 and 01:00:00.")]
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(30);
}
