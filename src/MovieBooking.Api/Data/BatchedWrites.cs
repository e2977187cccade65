using System.Diagnostics;
using System.Threading.Channels;

using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Data;

/// <summary>
/// Queues single-statement writes and hands the ones waiting to one lane as a batch whenever the lane is free. The
/// lane keeps its own connection and runs one batch at a time; the derived class says how a batch runs and answers each
/// write. A batch whose lane fails (a connection that breaks or cannot open) answers its unanswered writes with the
/// failure, and the lane starts afresh with the next batch.
/// </summary>
public abstract class BatchedWrites(string store, ServiceMetrics? metrics) : IAsyncDisposable
{
    protected const int MaxBatch = 64;

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _lane;

    /// <summary>Runs one statement with named parameters <c>@p0</c>, <c>@p1</c>…; answers its first value or its row count.</summary>
    public Task<object?> RunAsync(string sql, object?[] values, bool scalar)
    {
        var write = new Write(sql, values, scalar, new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously), Stopwatch.GetTimestamp());
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);

        lock (_starting)
        {
            _lane ??= Task.Run(RunLaneAsync);
        }

        return write.Done.Task;
    }

    /// <summary>A lane with no connection yet.</summary>
    protected abstract Lane NewLane();

    private async Task RunLaneAsync()
    {
        await using var lane = NewLane();
        var batch = new List<Write>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            metrics?.BatchSent(store, batch.Count, Stopwatch.GetElapsedTime(batch[0].QueuedAt));
            try
            {
                await lane.WriteAsync(batch);
            }
            catch (Exception exception)
            {
                batch.ForEach(write => write.Done.TrySetException(exception));
                await lane.ResetAsync();
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        Task? running;
        lock (_starting)
        {
            running = _lane;
        }

        if (running is not null)
        {
            await running;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>One connection's worth of batching.</summary>
    protected abstract class Lane : IAsyncDisposable
    {
        /// <summary>Runs the batch and answers every write in it.</summary>
        public abstract Task WriteAsync(List<Write> batch);

        /// <summary>Drops the connection; the next batch opens a new one.</summary>
        public abstract ValueTask ResetAsync();

        /// <summary>The lane is done: drops the connection (a lane still answering writes in the background waits for them).</summary>
        public virtual ValueTask DisposeAsync() => ResetAsync();
    }

    /// <param name="QueuedAt">When it was queued (a <see cref="Stopwatch"/> timestamp).</param>
    protected sealed record Write(string Sql, object?[] Values, bool Scalar, TaskCompletionSource<object?> Done, long QueuedAt);
}
