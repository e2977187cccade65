using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// Sends the Redis commands that requests issue at about the same time as one batch, in one write.
/// <para>
/// A queued command waits for a flush that is queued on the thread pool behind the work already waiting there, which
/// under load is the other requests that arrived together: each write then carries the commands of many requests, and
/// Redis and this service wake once per batch instead of once per command. With nothing else waiting the flush runs at
/// once. On a small machine a wake-up costs more than the command (see docs/architecture.md).
/// </para>
/// Commands leave in the order they were queued, so a caller's commands reach Redis in the order it issued them, as
/// they do on one connection without batching.
/// </summary>
internal sealed class RedisBatcher(IConnectionMultiplexer redis, ServiceMetrics? metrics = null) : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<IQueued> _queue = new();

    // One flush at a time, so batches leave in the order their commands were queued.
    private readonly Lock _flushing = new();

    // 1 while a flush is queued and has not started taking commands.
    private int _flushQueued;

    /// <summary>
    /// Queues the command that <paramref name="command"/> adds to a batch, and returns its answer. The command is only
    /// added when its batch is made, so it must not depend on anything that changes meanwhile.
    /// </summary>
    public async Task<T> SendAsync<T>(Func<IBatch, Task<T>> command)
    {
        var queued = new Queued<T>(command);
        _queue.Enqueue(queued);
        if (Interlocked.Exchange(ref _flushQueued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return await await queued.Task;
    }

    void IThreadPoolWorkItem.Execute()
    {
        List<IQueued> sent = [];
        Exception? failed = null;
        lock (_flushing)
        {
            // Cleared before the queue is read: a command queued from here on is in this batch or has queued the next flush.
            Volatile.Write(ref _flushQueued, 0);
            if (_queue.IsEmpty)
            {
                return;
            }

            var batch = redis.GetDatabase().CreateBatch();
            var oldest = 0L;
            while (_queue.TryDequeue(out var queued))
            {
                oldest = oldest == 0 ? queued.QueuedAt : oldest;
                queued.AddTo(batch);
                sent.Add(queued);
            }

            metrics?.BatchSent("redis", sent.Count, Stopwatch.GetElapsedTime(oldest));

            try
            {
                batch.Execute();
            }
            catch (Exception exception)
            {
                failed = exception;
            }
        }

        // The callers go on to wait for their answers only now, so none of them runs ahead of the write.
        foreach (var queued in sent)
        {
            queued.Release(failed);
        }
    }

    private interface IQueued
    {
        /// <summary>When it was queued (a <see cref="Stopwatch"/> timestamp).</summary>
        long QueuedAt { get; }

        void AddTo(IBatch batch);

        /// <summary>Lets the caller wait for the answer, or gives it the error that kept the batch from being sent.</summary>
        void Release(Exception? failed);
    }

    /// <summary>A command waiting for its batch; its task is the command's own task once it is in a batch.</summary>
    private sealed class Queued<T>(Func<IBatch, Task<T>> command) : TaskCompletionSource<Task<T>>, IQueued
    {
        private Task<T>? _sent;

        public long QueuedAt { get; } = Stopwatch.GetTimestamp();

        public void AddTo(IBatch batch)
        {
            try
            {
                _sent = command(batch);
            }
            catch (Exception exception)
            {
                // Refused before it was sent (no connection, say): this caller sees the error, the batch goes on.
                _sent = System.Threading.Tasks.Task.FromException<T>(exception);
            }
        }

        public void Release(Exception? failed) => SetResult(failed is null ? _sent! : System.Threading.Tasks.Task.FromException<T>(failed));
    }
}
