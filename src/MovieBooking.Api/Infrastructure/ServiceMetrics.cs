using System.Diagnostics.Metrics;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// The service's own measures, on the meter <see cref="MeterName"/>: what customers are refused and sold, how the hold
/// stores batch their writes, how many seat maps are watched and how far the notification outbox lags. ASP.NET Core,
/// HttpClient and the runtime measure the rest (request rate, errors and duration per route among them). Recording
/// costs next to nothing while nobody listens: each instrument is enabled only once an exporter subscribes to it.
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "MovieBooking";

    private readonly Counter<long> _holds;
    private readonly Counter<long> _bookings;
    private readonly Counter<long> _payments;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchWait;
    private readonly UpDownCounter<long> _seatStreams;
    private OutboxSample _outbox = new(0, 0);
    private System.Runtime.CompilerServices.StrongBox<double>? _replicaLag;

    public ServiceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _holds = meter.CreateCounter<long>("moviebooking.holds", "{hold}",
            "Hold requests answered, by outcome: granted, or why not (unavailable, over_limit, not_bookable, gap, none_fit, contended).");
        _bookings = meter.CreateCounter<long>("moviebooking.bookings", "{booking}",
            "Bookings moved to a status (pending_payment when created; confirmed, failed, expired, cancelled), once committed.");
        _payments = meter.CreateCounter<long>("moviebooking.payments", "{payment}",
            "Payments by outcome once committed: started, captured, failed, refund_owed, refunded.");
        _batchSize = meter.CreateHistogram<int>("moviebooking.hold_store.batch.size", "{write}",
            "Writes a hold store sent as one batch (SQLite group commit, PostgreSQL pipeline, Redis batch).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        _batchWait = meter.CreateHistogram<double>("moviebooking.hold_store.batch.wait", "s",
            "How long the oldest write of a hold store's batch waited for the batch to start.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
        _seatStreams = meter.CreateUpDownCounter<long>("moviebooking.seat_streams.open", "{stream}", "Live seat-map streams open on this instance.");
        meter.CreateObservableGauge("moviebooking.notifications.queue.depth", () => Volatile.Read(ref _outbox).Depth, "{notification}",
            "Notifications due and not yet sent, as last sampled.");
        meter.CreateObservableGauge("moviebooking.notifications.queue.age", () => Volatile.Read(ref _outbox).AgeSeconds, "s",
            "How long the oldest notification due has waited, as last sampled (0 when none is due).");
        meter.CreateObservableGauge("moviebooking.db.replica.lag", ReplicaLag, "s",
            "How far the read replica is behind the primary, as last sampled (none while it does not answer or is not configured).");
    }

    /// <summary>Whether anything exports the outbox gauges (so the sampler need not query for nobody).</summary>
    public bool OutboxObserved { get; set; }

    public void HoldAnswered(HoldOutcome outcome) => _holds.Add(1, new KeyValuePair<string, object?>("outcome", outcome switch
    {
        HoldOutcome.Granted => "granted",
        HoldOutcome.Unavailable => "unavailable",
        HoldOutcome.OverLimit => "over_limit",
        HoldOutcome.Stranding => "gap",
        HoldOutcome.NoneFit => "none_fit",
        HoldOutcome.Contended or HoldOutcome.MapChanged => "contended",
        _ => "not_bookable",
    }));

    public void BookingMoved(string status) => _bookings.Add(1, new KeyValuePair<string, object?>("status", status));

    public void PaymentSettled(string outcome) => _payments.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A hold store's batch of <paramref name="size"/> writes, the oldest of which waited <paramref name="oldestWait"/>.</summary>
    public void BatchSent(string store, int size, TimeSpan oldestWait)
    {
        var tag = new KeyValuePair<string, object?>("store", store);
        _batchSize.Record(size, tag);
        _batchWait.Record(oldestWait.TotalSeconds, tag);
    }

    public void SeatStreamOpened() => _seatStreams.Add(1);

    public void SeatStreamClosed() => _seatStreams.Add(-1);

    public void OutboxSampled(long depth, TimeSpan oldestAge) => Volatile.Write(ref _outbox, new OutboxSample(depth, Math.Max(0, oldestAge.TotalSeconds)));

    public void ReplicaSampled(TimeSpan? lag) =>
        Volatile.Write(ref _replicaLag, lag is { } sampled ? new System.Runtime.CompilerServices.StrongBox<double>(sampled.TotalSeconds) : null);

    private IEnumerable<Measurement<double>> ReplicaLag() =>
        Volatile.Read(ref _replicaLag) is { } seconds ? [new Measurement<double>(seconds.Value)] : [];

    private sealed record OutboxSample(long Depth, double AgeSeconds);
}
