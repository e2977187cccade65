using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

/// <summary>
/// The reconciler's rhythm, from <see cref="ReconcilerSettings"/>: it runs every <see cref="Interval"/>, takes payments
/// untouched for <see cref="StrandedAfter"/> (so it never races a request still at work), and claims each for
/// <see cref="Claim"/>, after which another instance may take it if this one died. Orders nobody has paid are asked
/// about again after a time that grows with their age (from <see cref="Claim"/> up to an hour), for
/// <see cref="LatePayments"/>, in case a payment arrives late and its webhook is lost.
/// </summary>
public sealed record ReconcilerTiming(TimeSpan Interval, TimeSpan StrandedAfter, TimeSpan Claim, TimeSpan LatePayments)
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    public static ReconcilerTiming From(ReconcilerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var quarter = settings.Within / 4;
        return new(quarter, quarter, quarter, settings.LatePayments);
    }

    /// <summary>How long until an unpaid order of this age is asked about again.</summary>
    public TimeSpan NextLookAt(TimeSpan age) => age < Claim ? Claim : age > LongestWait ? LongestWait : age;
}

/// <summary>
/// Drives every payment a crash, an outage or a lost webhook left half done to a final state, by asking the gateway:
/// orders paid but never recorded, settlements interrupted, refunds owed but not confirmed. Runs in every instance;
/// each payment is claimed by one.
/// </summary>
public sealed class PaymentReconciler(IServiceScopeFactory scopes, IOptions<PaymentOptions> options, TimeProvider time, ILogger<PaymentReconciler> logger)
    : PeriodicService(time, logger)
{
    public ReconcilerTiming Timing { get; } = ReconcilerTiming.From(options.Value.Reconciler);

    protected override TimeSpan Interval => Timing.Interval;

    protected override string JobName => "Reconciling payments";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => ReconcileAsync(cancellationToken);

    /// <summary>One round; returns how many payments it handled.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().ReconcileAsync(Timing, cancellationToken);
    }
}
