using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MovieBooking.Bench;

/// <summary>
/// The mail server of a bench run: it accepts every message on loopback and notes when each Message-ID arrived. It
/// speaks the part of SMTP a sending client uses (EHLO or HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and replies
/// with one write per reply, Nagle off, so what it measures is the service's time, not a wait for a delayed ACK.
/// </summary>
internal sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<(string MessageId, DateTimeOffset At)> _received = new();

    public SmtpReceiver()
    {
        _listener.Server.NoDelay = true;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Each message's Message-ID (without angle brackets) and when its final dot arrived.</summary>
    public IReadOnlyCollection<(string MessageId, DateTimeOffset At)> Received => _received;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            client.NoDelay = true;
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true };
        try
        {
            await writer.WriteAsync("220 bench ESMTP\r\n");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = (line.Length > 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-bench\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "DATA":
                        await writer.WriteAsync("354 End data with <CR><LF>.<CR><LF>\r\n");
                        var messageId = await ReadMessageAsync(reader);
                        _received.Enqueue((messageId ?? "", DateTimeOffset.UtcNow));
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "QUIT":
                        await writer.WriteAsync("221 Bye\r\n");
                        return;
                    default:
                        await writer.WriteAsync("502 Command not implemented\r\n");
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the run is over.
        }
    }

    /// <summary>Reads a message up to its final dot and gives its Message-ID header, if it has one.</summary>
    private async Task<string?> ReadMessageAsync(StreamReader reader)
    {
        string? messageId = null;
        var inHeaders = true;
        while (await reader.ReadLineAsync(_stop.Token) is { } line && line != ".")
        {
            if (line.Length == 0)
            {
                inHeaders = false;
            }
            else if (inHeaders && messageId == "" && char.IsWhiteSpace(line[0]))
            {
                // The header's value folded onto the next line.
                messageId = line.Trim().Trim('<', '>');
            }
            else if (inHeaders && line.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase))
            {
                messageId = line["Message-Id:".Length..].Trim().Trim('<', '>');
            }
        }

        return messageId;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
