using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

/// <summary>
/// The reconciler's rhythm, from <see cref="ReconcilerSettings.Within"/>: it runs every <see cref="Interval"/>, takes
/// payments untouched for <see cref="StrandedAfter"/> (so it never races a request still at work), and claims each for
/// <see cref="Claim"/>, after which another instance may take it if this one died.
/// </summary>
public sealed record ReconcilerTiming(TimeSpan Interval, TimeSpan StrandedAfter, TimeSpan Claim)
{
    public static ReconcilerTiming Within(TimeSpan bound) => new(bound / 4, bound / 4, bound / 4);
}

/// <summary>
/// Drives every payment a crash, an outage or a lost webhook left half done to a final state, by asking the gateway:
/// orders paid but never recorded, settlements interrupted, refunds owed but not confirmed. Runs in every instance;
/// each payment is claimed by one.
/// </summary>
public sealed class PaymentReconciler(IServiceScopeFactory scopes, IOptions<PaymentOptions> options, TimeProvider time, ILogger<PaymentReconciler> logger)
    : PeriodicService(time, logger)
{
    public ReconcilerTiming Timing { get; } = ReconcilerTiming.Within(options.Value.Reconciler.Within);

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
