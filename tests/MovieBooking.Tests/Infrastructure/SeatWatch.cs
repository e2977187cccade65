using System.Net;
using System.Text.Json;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>One Server-Sent Event: its id, its type (<c>comment</c> for a comment line) and its data.</summary>
public sealed record ServerSentEvent(string? Id, string Type, JsonElement Data)
{
    public long Version => Data.GetProperty("version").GetInt64();

    /// <summary>The seat statuses the event carries: every seat of a snapshot, the changed seats of a <c>seats</c> event.</summary>
    public Dictionary<string, string> Seats => (Type == "snapshot"
            ? Data.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("seats").EnumerateArray())
            : Data.GetProperty("seats").EnumerateArray())
        .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
}

public static class SeatMaps
{
    /// <summary>The status of every seat on a show's seat map (<c>GET /api/shows/{id}/seats</c>).</summary>
    public static async Task<Dictionary<string, string>> SeatStatusesAsync(this HttpClient client, string show) =>
        (await client.GetJsonAsync($"/api/shows/{show}/seats")).GetProperty("rows").EnumerateArray()
            .SelectMany(r => r.GetProperty("seats").EnumerateArray())
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("status").GetString()!);
}

/// <summary>
/// A client of <c>GET /api/shows/{id}/seats/stream</c> that reads events one at a time and keeps the seat statuses
/// they add up to, as a seat map page would.
/// </summary>
public sealed class SeatWatch : IAsyncDisposable
{
    /// <summary>How long a test waits for an event it expects before it fails (a liveness bound, not a speed target).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SeatWatch(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public Dictionary<string, string> Seats { get; } = new(StringComparer.Ordinal);

    public long Version { get; private set; }

    public List<ServerSentEvent> Received { get; } = [];

    public static async Task<SeatWatch> OpenAsync(HttpClient client, string show, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/shows/{show}/seats/stream", UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        return new SeatWatch(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event; comment lines are skipped unless <paramref name="comments"/> is set.</summary>
    public async Task<ServerSentEvent> NextAsync(bool comments = false)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            string? id = null, type = null, data = null, comment = null;
            while (true)
            {
                var line = await _reader.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The stream ended.");
                if (line.Length == 0)
                {
                    break;
                }

                if (line.StartsWith(':'))
                {
                    comment = line[1..].Trim();
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart());
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": type = value; break;
                    case "data": data = data is null ? value : data + "\n" + value; break;
                }
            }

            if (data is null)
            {
                if (comments && comment is not null)
                {
                    return new ServerSentEvent(null, "comment", JsonDocument.Parse(JsonSerializer.Serialize(comment)).RootElement.Clone());
                }

                continue;
            }

            var received = new ServerSentEvent(id, type ?? "message", JsonDocument.Parse(data).RootElement.Clone());
            Assert.Equal(id, received.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (received.Type == "snapshot")
            {
                Seats.Clear();
            }

            foreach (var (seat, status) in received.Seats)
            {
                Seats[seat] = status;
            }

            Version = received.Version;
            Received.Add(received);
            return received;
        }
    }

    /// <summary>Reads events until the statuses they add up to satisfy <paramref name="done"/>.</summary>
    public async Task UntilAsync(Func<Dictionary<string, string>, bool> done)
    {
        while (!done(Seats))
        {
            await NextAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
