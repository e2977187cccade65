using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace MovieBooking.Api.Infrastructure;

public static class HostingExtensions
{
    public const int DefaultPort = 5000;

    /// <summary>
    /// Reads <c>.env</c> from the working directory into the environment (variables already set win), so it
    /// reaches configuration like any other environment variable.
    /// </summary>
    public static void LoadDotEnv()
    {
        if (File.Exists(".env"))
        {
            DotNetEnv.Env.NoClobber().Load(".env");
        }
    }

    /// <summary>
    /// The folder of the binary, where appsettings*.json are published, so the app finds its settings from any
    /// working directory (<c>dotnet run</c> keeps the caller's, where <c>./data</c> and <c>.env</c> live). A content
    /// root given on the command line or in <c>ASPNETCORE_CONTENTROOT</c> (test hosts do this) is left alone.
    /// </summary>
    public static string? DefaultContentRoot(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var given = args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"));
        return given ? null : AppContext.BaseDirectory;
    }

    /// <summary>Listens on <c>PORT</c> (default 5000) on every interface, unless <c>urls</c> is configured explicitly.</summary>
    public static WebApplicationBuilder UsePortFromConfiguration(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var port = builder.Configuration["PORT"];
        if (!string.IsNullOrEmpty(port) || string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            if (!int.TryParse(port ?? DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), out var number) || number is < 1 or > 65535)
            {
                throw new SettingException($"PORT must be a TCP port number between 1 and 65535, not '{port}'.");
            }

            builder.WebHost.UseUrls($"http://*:{number}");
        }

        return builder;
    }

    /// <summary>
    /// Behind a proxy the client's address is the one the proxy forwards in <c>X-Forwarded-For</c>, trusted only
    /// from loopback (a proxy on the same machine) and from the addresses in <c>ForwardedHeaders:KnownProxies</c>.
    /// </summary>
    public static WebApplicationBuilder AddForwardedClientAddresses(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var proxies = builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        var addresses = new List<IPAddress>();
        foreach (var proxy in proxies)
        {
            if (!IPAddress.TryParse(proxy, out var address))
            {
                throw new SettingException($"ForwardedHeaders:KnownProxies must list IP addresses; '{proxy}' is not one.");
            }

            addresses.Add(address);
        }

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var address in addresses)
            {
                options.KnownProxies.Add(address);
            }
        });
        return builder;
    }

    /// <summary>
    /// Answers <c>HEAD</c> wherever <c>GET</c> is answered (RFC 9110 §9.3.2): the request is routed and handled as a
    /// <c>GET</c>, with the same status and headers, and the body is dropped, problem answers included. Must run before
    /// routing and the problem answers.
    /// </summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var body = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()!;
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null, body));
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
            context.Features.Set(body);
        }
    });
}
