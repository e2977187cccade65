using System.Threading.Channels;

namespace MovieBooking.Api.Realtime;

/// <summary>
/// One open stream: a small bounded queue of frames. Offering never waits; a watcher whose queue is full is marked
/// behind, and its writer then drops what is queued and sends a fresh snapshot instead of the backlog.
/// </summary>
public sealed class SeatWatcher(int queueLength)
{
    private readonly Channel<SseFrame> _queue = Channel.CreateBounded<SseFrame>(
        new BoundedChannelOptions(queueLength) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private int _behind;

    public void Offer(SseFrame frame)
    {
        if (!_queue.Writer.TryWrite(frame) && !frame.IsComment)
        {
            Volatile.Write(ref _behind, 1);
        }
    }

    /// <summary>Makes the writer send a fresh snapshot before anything else.</summary>
    public void FallBehind()
    {
        Volatile.Write(ref _behind, 1);
        _queue.Writer.TryWrite(SseFrame.Heartbeat);
    }

    public void Close() => _queue.Writer.TryComplete();

    /// <summary>
    /// Writes <paramref name="initial"/>, then every queued frame newer than what was sent, flushing after each batch,
    /// until the stream is cancelled or closed.
    /// </summary>
    public async Task WriteAsync(Stream body, IReadOnlyList<SseFrame> initial, Func<SseFrame> snapshot, CancellationToken cancellationToken)
    {
        var sent = long.MinValue;
        foreach (var frame in initial)
        {
            await body.WriteAsync(frame.Bytes, cancellationToken);
            sent = Math.Max(sent, frame.Version);
        }

        await body.FlushAsync(cancellationToken);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var frame))
            {
                if (Interlocked.Exchange(ref _behind, 0) == 1)
                {
                    while (reader.TryRead(out _))
                    {
                    }

                    frame = snapshot();
                    sent = long.MinValue;
                }
                else if (!frame.IsComment && frame.Version <= sent)
                {
                    continue;
                }

                await body.WriteAsync(frame.Bytes, cancellationToken);
                sent = Math.Max(sent, frame.Version);
            }

            await body.FlushAsync(cancellationToken);
        }
    }
}
