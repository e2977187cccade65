using MovieBooking.Chaos;
using MovieBooking.Tests.Realtime;
using Xunit.Abstractions;

namespace MovieBooking.Tests.Payments;

/// <summary>
/// Buyers racing through nginx at three instances while Redis is killed and flushed, PostgreSQL restarts and an instance
/// is killed mid-purchase: no 500, no seat sold twice, and once the reconciler has had its bound every captured
/// payment has ended in a confirmed booking or one refund.
/// </summary>
[Collection(Clusters.Name)]
public sealed class ChaosTests(ChaosTests.Fixture cluster, ITestOutputHelper output) : IClassFixture<ChaosTests.Fixture>
{
    private static readonly TimeSpan HoldTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReconcileWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Through_redis_postgres_and_instance_faults_no_seat_is_sold_twice_and_no_money_is_lost()
    {
        var report = await ChaosRun.RunAsync(cluster.Control, new ChaosOptions
        {
            Buyers = 24,
            Calm = TimeSpan.FromSeconds(4),
            Faults = ChaosFault.Standard(TimeSpan.FromSeconds(3)),
            HoldTtl = HoldTtl,
            // Every payment the faults left half done is final within the reconciler's bound after they end.
            SettleWithin = ReconcileWithin * 3,
        });
        output.WriteLine(report.ToTable());

        Assert.Empty(report.Violations);
        Assert.All(report.Phases, p => Assert.Equal(0, p.Violations));
        Assert.Equal(0, report.InternalErrors);
        Assert.NotNull(report.SettledAfter);
        Assert.All(report.Phases.Where(p => cluster.Faults.Contains(p.Name)), p => Assert.NotNull(p.Recovery));
        Assert.True(report.Purchases >= 20, $"Only {report.Purchases} purchases started: the run proves little.");
        Assert.True(report.Confirmed > 0, "No booking was confirmed.");
    }

    /// <summary>A cluster with short holds (so late payments meet resold seats) and a quick reconciler.</summary>
    public sealed class Fixture : ClusterFixture
    {
        public IReadOnlySet<string> Faults { get; } = ChaosFault.Standard(TimeSpan.Zero).Select(f => f.Name).ToHashSet();

        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Booking__HoldTtl"] = HoldTtl.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Payments__Reconciler__Within"] = ReconcileWithin.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
