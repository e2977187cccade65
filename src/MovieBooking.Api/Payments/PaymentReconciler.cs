using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Payments;

/// <summary>
/// Finishes payments a crash or an error left half done: captured payments whose booking was never settled, and
/// refunds never sent to the gateway. Safe with several instances: every step is a guarded update.
/// </summary>
internal sealed class PaymentReconciler(IServiceScopeFactory scopes, TimeProvider time, ILogger<PaymentReconciler> logger)
    : PeriodicService(time, logger)
{
    /// <summary>How long a payment may stay half done before it counts as interrupted.</summary>
    public static readonly TimeSpan StrandedAfter = TimeSpan.FromMinutes(1);

    protected override TimeSpan Interval => TimeSpan.FromSeconds(30);

    protected override string JobName => "Reconciling interrupted payments";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => ReconcileAsync(cancellationToken);

    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().ReconcileAsync(StrandedAfter, cancellationToken);
    }
}
