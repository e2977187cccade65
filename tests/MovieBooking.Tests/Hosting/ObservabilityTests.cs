using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Servers;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace MovieBooking.Tests.Hosting;

/// <summary>The service as an operator runs it: /metrics on a port of its own, JSON log lines, trace ids in answers.</summary>
public sealed class ObservabilityProcessTests
{
    [Fact]
    public async Task Metrics_answer_on_their_own_port_only_and_json_log_lines_carry_the_trace_id_the_problem_names()
    {
        var metricsPort = ExternalProcess.FreeTcpPort();
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Observability__MetricsPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__Format"] = "json",
        });
        await service.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = service.BaseAddress };

        // A caller's traceparent makes the request part of the caller's trace; the problem names that trace. The caller
        // is an activity of its own, as HttpClient writes the current activity's traceparent when something in this test
        // process listens to it (another test's tracer does).
        var caller = ActivityTraceId.CreateRandom();
        var traceId = caller.ToHexString();
        using var activity = new Activity("caller").SetParentId(caller, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/shows/{Guid.NewGuid()}/seats", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{activity.SpanId.ToHexString()}-01");
        using var response = await http.SendAsync(request);
        activity.Stop();
        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(traceId, problem.GetProperty("traceId").GetString());

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };
        var scraped = await scraper.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("http_server_request_duration_seconds_count{", scraped, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/shows/{showId:guid}/seats\"", scraped, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=\"404\"", scraped, StringComparison.Ordinal);
        using (var onTheApiPort = await http.GetAsync(new Uri("metrics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, onTheApiPort.StatusCode);
        }

        // Every line the service wrote is one JSON object; the request's own line carries its trace id.
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var logged = Assert.Single(entries, e => e.GetProperty("Category").GetString() == "MovieBooking.Requests"
            && e.GetProperty("Message").GetString()!.StartsWith("GET /api/shows/{showId:guid}/seats 404", StringComparison.Ordinal));
        Assert.Contains(logged.GetProperty("Scopes").EnumerateArray(),
            scope => scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId);
    }

    [Theory]
    [InlineData("Logging__Format", "xml", "Logging:Format")]
    [InlineData("Observability__OtlpEndpoint", "collector:4317", "Observability:OtlpEndpoint")]
    [InlineData("Observability__OtlpProtocol", "udp", "Observability:OtlpProtocol")]
    [InlineData("Observability__MetricsPort", "70000", "Observability:MetricsPort")]
    [InlineData("Observability__MetricsPort", "metrics", "Observability:MetricsPort")]
    [InlineData("Observability__TraceSampleRatio", "2", "Observability:TraceSampleRatio")]
    public async Task A_bad_observability_setting_stops_the_start_with_one_line_naming_it(string variable, string value, string named)
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { [variable] = value });
        Assert.Equal(1, await service.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(named, service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", service.Output, StringComparison.Ordinal);
    }
}

/// <summary>PostgreSQL with tracing on (a collector address given), its spans kept in memory as well.</summary>
public sealed class PostgresTracedFixture : PostgresAppFixture
{
    public SpanList Spans { get; } = [];

    protected override void Configure(Dictionary<string, string?> settings) =>
        // Nothing listens there: the export fails quietly in the background, the in-memory copy is what is read.
        settings["Observability:OtlpEndpoint"] = "http://127.0.0.1:9";

    public override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
}

/// <summary>A request's trace holds the request itself and the PostgreSQL statements it ran, under one trace id.</summary>
public sealed class TracingTests(PostgresTracedFixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<PostgresTracedFixture>
{
    [Fact]
    public async Task A_hold_is_traced_from_the_request_to_its_database_statements()
    {
        var (show, shoppers) = await FreshShowAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/shows/{show}/holds", UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { seatIds = new[] { "B2" } }),
        };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using (var response = await shoppers[0].SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // The server's span ends as the answer leaves, a moment after the client has it.
        List<Activity> trace = [];
        for (var wait = 0; wait < 100 && !trace.Any(IsServerSpan); wait++)
        {
            await Task.Delay(50);
            trace = [.. fixture.Spans.Snapshot().Where(span => span.TraceId == traceId)];
        }

        var server = Assert.Single(trace, IsServerSpan);
        Assert.Equal("POST /api/shows/{showId:guid}/holds", server.DisplayName);
        Assert.Equal(201, server.GetTagItem("http.response.status_code"));
        Assert.Contains(trace, span => span.Source.Name == "Npgsql" && span.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task Health_probes_are_not_traced_even_when_the_caller_asks()
    {
        var probe = ActivityTraceId.CreateRandom();
        var seatMap = ActivityTraceId.CreateRandom();
        var (show, shoppers) = await FreshShowAsync();
        using (var request = Sampled(new HttpRequestMessage(HttpMethod.Get, new Uri("/api/health/ready", UriKind.Relative)), probe))
        using (var response = await shoppers[0].SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var request = Sampled(new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/shows/{show}/seats", UriKind.Relative)), seatMap))
        using (var response = await shoppers[0].SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The request after the probe is traced; once its span is in, the probe's would have been too.
        for (var wait = 0; wait < 100 && !fixture.Spans.Snapshot().Any(span => span.TraceId == seatMap && IsServerSpan(span)); wait++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(fixture.Spans.Snapshot(), span => span.TraceId == seatMap && IsServerSpan(span));
        Assert.DoesNotContain(fixture.Spans.Snapshot(), span => span.TraceId == probe);
    }

    private static HttpRequestMessage Sampled(HttpRequestMessage request, ActivityTraceId traceId)
    {
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return request;
    }

    private static bool IsServerSpan(Activity span) => span.Kind == ActivityKind.Server;
}

/// <summary>Spans exported from any thread, read as a snapshot.</summary>
public sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
{
    private readonly Lock _lock = new();

    public Activity[] Snapshot()
    {
        lock (_lock)
        {
            return [.. this];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }
}
