using Microsoft.Extensions.FileProviders;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// The web app (the <c>MovieBooking.Web</c> project's static files) served at the site's root beside the API: its
/// assets with ETags and cache headers (<c>MapStaticAssets</c>), and its page shell for every page address, so a deep
/// link (<c>/shows/{id}</c>) opened in a fresh tab works. An address that is no page gets the shell with a 404, which
/// shows a "not found" page; unknown <c>/api</c> addresses stay JSON problems.
/// </summary>
public static class WebAppExtensions
{
    /// <summary>The pages of the app; each answers with the shell, whose script renders the page.</summary>
    private static readonly string[] Pages =
    [
        "/", "/movies/{movieId:guid}", "/shows/{showId:guid}", "/bookings", "/bookings/{bookingId:guid}", "/checkin", "/staff",
    ];

    /// <summary>No inline scripts or styles; the API and the live seat map are on the same origin.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddWebApp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The app's files come from the web project's build output in every environment, not only in Development.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication MapWebApp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapStaticAssets();
        foreach (var page in Pages)
        {
            app.MapGet(page, context => ShellAsync(context, StatusCodes.Status200OK)).ExcludeFromDescription();
        }

        app.MapFallback("{*path:regex(^(?!api(/|$)).*$)}", context => ShellAsync(context, StatusCodes.Status404NotFound)).ExcludeFromDescription();
        return app;
    }

    private static async Task ShellAsync(HttpContext context, int status)
    {
        var shell = context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo("index.html");
        if (!shell.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-cache";
        await using var stream = shell.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
