namespace MovieBooking.Api.Payments;

/// <summary>
/// Finishes payments a crash or an error left half done: captured payments whose booking was never settled, and
/// refunds never sent to the gateway. Safe with several instances: every step is a guarded update.
/// </summary>
internal sealed partial class PaymentReconciler(IServiceScopeFactory scopes, TimeProvider time, ILogger<PaymentReconciler> logger) : BackgroundService
{
    /// <summary>How long a payment may stay half done before it counts as interrupted.</summary>
    public static readonly TimeSpan StrandedAfter = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogReconcileFailed(logger, exception);
            }
        }
    }

    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().ReconcileAsync(StrandedAfter, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling interrupted payments failed; the next round tries again")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
