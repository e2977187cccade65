using System.Globalization;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Bound from <c>Observability</c>. Everything is off by default but the service's own counters.</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// An OpenTelemetry collector (<c>http://collector:4317</c>, or <c>:4318</c> with <see cref="OtlpProtocol"/>
    /// <c>http</c>): traces and metrics are exported to it. Empty: nothing is exported over OTLP and nothing is traced.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http</c> (HTTP/protobuf).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>
    /// A port of its own on which <c>GET /metrics</c> answers in Prometheus' text format, for a scraper inside the
    /// network; no other port answers it. Empty: no <c>/metrics</c>.
    /// </summary>
    public int? MetricsPort { get; set; }

    /// <summary>
    /// The share of requests traced (0 to 1) when the caller did not decide: a request whose <c>traceparent</c> says
    /// sampled is always traced, one that says not sampled never is. A tenth by default, so tracing costs little under load.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 0.1;

    /// <summary>The service's name in traces and metrics.</summary>
    public string ServiceName { get; set; } = "movie-booking";

    public bool Exports => !string.IsNullOrWhiteSpace(OtlpEndpoint) || MetricsPort is not null;
}

/// <summary>
/// OpenTelemetry: traces of incoming requests, outgoing HTTP (gateways, SMS), PostgreSQL and Redis, and metrics of
/// requests per route, HttpClient, the runtime, Npgsql and the service's own <see cref="ServiceMetrics"/>, exported over
/// OTLP and, on a port of their own, to Prometheus. Logs may be written as JSON lines carrying the trace id.
/// </summary>
public static class ObservabilityExtensions
{
    private const int SpanExportDelayMilliseconds = 200;

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddSingleton<Notifications.OutboxSampler>();
        AddLogFormat(builder);

        ObservabilityOptions options;
        try
        {
            options = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        }
        catch (InvalidOperationException exception)
        {
            // The binder's message names the setting and the type it should have.
            throw new SettingException(exception.Message, exception);
        }

        builder.Services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section);
        var otlp = OtlpEndpointOf(options);
        if (options.TraceSampleRatio is < 0 or > 1 or double.NaN)
        {
            throw new SettingException($"Observability:TraceSampleRatio is a share between 0 and 1, not {options.TraceSampleRatio.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!options.Exports)
        {
            return builder;
        }

        if (options.MetricsPort is { } port)
        {
            if (port is < 1 or > 65535)
            {
                throw new SettingException($"Observability:MetricsPort must be a TCP port number between 1 and 65535, not {port}.");
            }

            // The API's own addresses stay as configured; /metrics is added on a port of its own.
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            builder.WebHost.UseUrls([.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://*:{port.ToString(CultureInfo.InvariantCulture)}"]);
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                // ASP.NET Core's hosting meter gives request rate, errors and duration per route; its other meters
                // (Kestrel, routing, rate limiting) measure every request again for nothing this service promises.
                metrics.AddMeter(ServiceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Diagnostics")
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql");
                if (options.MetricsPort is not null)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(exporter => Configure(exporter, otlp.Value, "metrics"));
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddAspNetCoreInstrumentation(instrumentation => instrumentation.Filter = context => !IsProbe(context))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddRedisInstrumentation()
                .ConfigureRedisInstrumentation((services, instrumentation) =>
                    services.GetService<RedisConnector>()?.WhenConnected(connection => instrumentation.AddConnection(connection)))
                .AddOtlpExporter(exporter =>
                {
                    Configure(exporter, otlp.Value, "traces");
                    // Sampled spans leave within a fifth of a second rather than the default five: held that long under
                    // load, they cost about twice as much hold throughput (docs/performance.md).
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = SpanExportDelayMilliseconds;
                }));
        }

        // The outbox gauges are sampled only where something exports them.
        builder.Services.AddHostedService(services => services.GetRequiredService<Notifications.OutboxSampler>());
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> on <see cref="ObservabilityOptions.MetricsPort"/> alone, when it is set.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ObservabilityOptions>>().Value.MetricsPort is { } port)
        {
            app.MapPrometheusScrapingEndpoint().RequireHost($"*:{port.ToString(CultureInfo.InvariantCulture)}").ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>
    /// Scrapes and health probes are not traced: they come every few seconds from every scraper and orchestrator, say
    /// nothing about customers, and would crowd the sampled traces (their rate and duration are still measured).
    /// </summary>
    private static bool IsProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/metrics") || context.Request.Path.StartsWithSegments("/api/health");

    /// <summary><c>Logging:Format</c> <c>json</c>: one JSON object a line, with the trace and span ids of the request.</summary>
    private static void AddLogFormat(WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"];
        switch (format?.ToLowerInvariant())
        {
            case null or "" or "text":
                break;
            case "json":
                builder.Logging.ClearProviders();
                builder.Logging.AddJsonConsole(json =>
                {
                    // The host tracks the current activity's trace and span ids as a scope of every line.
                    json.IncludeScopes = true;
                    json.UseUtcTimestamp = true;
                    json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
                break;
            default:
                throw new SettingException($"Logging:Format is text or json, not '{format}'.");
        }
    }

    private static (Uri Endpoint, OtlpExportProtocol Protocol)? OtlpEndpointOf(ObservabilityOptions options)
    {
        var protocol = options.OtlpProtocol.ToLowerInvariant() switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new SettingException($"Observability:OtlpProtocol is grpc or http, not '{options.OtlpProtocol}'."),
        };
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new SettingException($"Observability:OtlpEndpoint must be an http(s) URL such as http://collector:4317, not '{options.OtlpEndpoint}'.");
        }

        return (endpoint, protocol);
    }

    private static void Configure(OtlpExporterOptions exporter, (Uri Endpoint, OtlpExportProtocol Protocol) otlp, string signal)
    {
        exporter.Protocol = otlp.Protocol;
        // Over HTTP/protobuf each signal has a path of its own under the collector's address (v1/traces, v1/metrics).
        exporter.Endpoint = otlp.Protocol == OtlpExportProtocol.Grpc ? otlp.Endpoint : new Uri(otlp.Endpoint, $"{otlp.Endpoint.AbsolutePath.TrimEnd('/')}/v1/{signal}");
    }
}
