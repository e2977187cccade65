using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Notifications;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

/// <summary>
/// Listens to the service's own meter of one app (instruments of other apps in the test run share its name, so the
/// app's <see cref="IMeterFactory"/> tells them apart), summing each instrument's measurements by one tag.
/// </summary>
public sealed class MeterWatch : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string? Tag), double> _sums = new();
    private readonly ConcurrentDictionary<(string Instrument, string? Tag), long> _counts = new();
    private readonly ConcurrentDictionary<string, double> _last = new();

    public MeterWatch(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServiceMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of the instrument's measurements (with the tag's value, when given) since the watch began.</summary>
    public double Sum(string instrument, string? tag = null) => _sums.GetValueOrDefault((instrument, tag));

    /// <summary>How many measurements the instrument took (with the tag's value, when given).</summary>
    public long Count(string instrument, string? tag = null) => _counts.GetValueOrDefault((instrument, tag));

    /// <summary>The instrument's last measurement (a gauge's value when last observed).</summary>
    public double Last(string instrument) => _last.GetValueOrDefault(instrument);

    /// <summary>Reads the observable instruments (the outbox gauges) now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var number = value.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
        _last[instrument.Name] = number;
        foreach (var key in new string?[] { null, tags.Length == 0 ? null : tags[0].Value?.ToString() }.Distinct())
        {
            _sums.AddOrUpdate((instrument.Name, key), number, (_, sum) => sum + number);
            _counts.AddOrUpdate((instrument.Name, key), 1, (_, count) => count + 1);
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>The service's own metrics move with what customers do, on the database stores and with Redis holds.</summary>
public abstract class MetricsTests(AppFixture fixture, string store) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;

    [Fact]
    public async Task A_purchase_counts_its_hold_booking_and_payment_and_a_refused_hold_its_reason()
    {
        var (show, shoppers) = await FreshShowAsync();
        using var metrics = new MeterWatch(_fixture.App.Services);

        var (booking, payment) = await PendingPaymentAsync(shoppers[0], show, "C3", "C4");
        using (var taken = await shoppers[1].PostJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { "C4", "C5" } }))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        await PayAsync(payment.GetProperty("orderId").GetString()!, "success");
        Assert.Equal("CONFIRMED", (await shoppers[0].GetJsonAsync($"/api/bookings/{booking.GetProperty("id").GetString()}")).GetProperty("status").GetString());

        Assert.Equal(1, metrics.Sum("moviebooking.holds", "granted"));
        Assert.Equal(1, metrics.Sum("moviebooking.holds", "unavailable"));
        Assert.Equal(2, metrics.Sum("moviebooking.holds"));
        Assert.Equal(1, metrics.Sum("moviebooking.bookings", "pending_payment"));
        Assert.Equal(1, metrics.Sum("moviebooking.bookings", "confirmed"));
        Assert.Equal(2, metrics.Sum("moviebooking.bookings"));
        Assert.Equal(1, metrics.Sum("moviebooking.payments", "started"));
        Assert.Equal(1, metrics.Sum("moviebooking.payments", "captured"));
        Assert.Equal(0, metrics.Sum("moviebooking.payments", "failed"));
        // Each hold store batches its writes: the granted hold went through at least one batch of this store's.
        Assert.True(metrics.Count("moviebooking.hold_store.batch.size", store) >= 1, $"no {store} batch was measured");
        Assert.Equal(metrics.Count("moviebooking.hold_store.batch.size", store), metrics.Count("moviebooking.hold_store.batch.wait", store));
    }

    [Fact]
    public async Task A_declined_payment_counts_as_failed_and_its_booking_too()
    {
        var (show, shoppers) = await FreshShowAsync();
        using var metrics = new MeterWatch(_fixture.App.Services);

        var (_, payment) = await PendingPaymentAsync(shoppers[2], show, "B1");
        await PayAsync(payment.GetProperty("orderId").GetString()!, "failure");

        Assert.Equal(1, metrics.Sum("moviebooking.payments", "failed"));
        Assert.Equal(0, metrics.Sum("moviebooking.payments", "captured"));
        Assert.Equal(1, metrics.Sum("moviebooking.bookings", "failed"));
    }

    [Fact]
    public async Task Open_seat_map_streams_are_counted_until_their_watchers_leave()
    {
        var (show, _) = await FreshShowAsync();
        using var metrics = new MeterWatch(_fixture.App.Services);

        var first = await SeatWatch.OpenAsync(_fixture.Client, show);
        var second = await SeatWatch.OpenAsync(_fixture.Client, show);
        await first.NextAsync();
        await second.NextAsync();
        Assert.Equal(2, metrics.Sum("moviebooking.seat_streams.open"));

        await first.DisposeAsync();
        await second.DisposeAsync();
        for (var wait = 0; wait < 100 && metrics.Sum("moviebooking.seat_streams.open") != 0; wait++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, metrics.Sum("moviebooking.seat_streams.open"));
    }

    [Fact]
    public async Task The_outbox_gauges_show_what_waits_to_be_sent_and_for_how_long()
    {
        var (show, shoppers) = await FreshShowAsync();
        using var metrics = new MeterWatch(_fixture.App.Services);
        var sampler = _fixture.App.Services.GetRequiredService<OutboxSampler>();

        // The tests' app does not send notifications, so a confirmation's email waits in the outbox.
        await sampler.SampleAsync(CancellationToken.None);
        metrics.Observe();
        var before = metrics.Last("moviebooking.notifications.queue.depth");
        await PaidTicketAsync(shoppers[3], show, "A2");
        _fixture.App.Time.Advance(TimeSpan.FromSeconds(30));
        await sampler.SampleAsync(CancellationToken.None);
        metrics.Observe();

        Assert.True(metrics.Last("moviebooking.notifications.queue.depth") > before, "the confirmation waits in the outbox");
        Assert.True(metrics.Last("moviebooking.notifications.queue.age") >= 30, "the oldest waited at least the 30 s just passed");
    }
}

public sealed class SqliteMetricsTests(SqliteAppFixture fixture) : MetricsTests(fixture, "sqlite"), IClassFixture<SqliteAppFixture>;

public sealed class PostgresMetricsTests(PostgresAppFixture fixture) : MetricsTests(fixture, "postgres"), IClassFixture<PostgresAppFixture>;

public sealed class RedisMetricsTests(RedisAppFixture fixture) : MetricsTests(fixture, "redis"), IClassFixture<RedisAppFixture>;
