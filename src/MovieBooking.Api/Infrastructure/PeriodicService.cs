namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// A background job run every <see cref="Interval"/> by the service's clock (so tests move it with a fake
/// <see cref="TimeProvider"/>). A failed round is logged and the next round tries again.
/// </summary>
public abstract partial class PeriodicService(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is called in its log lines.</summary>
    protected abstract string JobName { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // The timer's own thread resumes this loop; a round that never truly waits (SQLite answers synchronously)
            // would otherwise run on it, and a clock moved by days would run one round per period passed instead of
            // letting the ticks that fall during a round merge into the next one.
            await Task.Yield();
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRoundFailed(logger, JobName, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, string job, Exception exception);
}
