using Microsoft.Extensions.Options;
using MovieBooking.Api.Payments;

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
        "/", "/movies/{movieId:guid}", "/shows/{showId:guid}", "/bookings", "/bookings/{bookingId:guid}", "/checkin", "/staff", "/staff/offers", "/staff/menu", "/staff/prices", "/account", "/reset-password", "/confirm-email",
    ];

    /// <summary>
    /// No inline scripts or styles; the API and the live seat map are on the same origin. A real gateway's checkout
    /// adds its own hosts, as its documentation asks: Razorpay's script and the window it opens, Stripe's script, the
    /// frames of its card form and its API. The sandbox's checkout is a page of this site.
    /// </summary>
    internal static string ContentSecurityPolicyFor(string gateway)
    {
        var (scripts, frames, connections) = gateway switch
        {
            RazorpayGateway.GatewayName => (" https://checkout.razorpay.com", "https://api.razorpay.com", " https://api.razorpay.com https://lumberjack.razorpay.com"),
            StripeGateway.GatewayName => (" https://js.stripe.com", "https://js.stripe.com https://hooks.stripe.com", " https://api.stripe.com"),
            _ => ("", "'none'", ""),
        };
        return $"default-src 'self'; script-src 'self'{scripts}; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'{connections}; "
            + $"frame-src {frames}; media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

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
        var policy = ContentSecurityPolicyFor(app.Services.GetRequiredService<IOptions<PaymentOptions>>().Value.Gateway);
        foreach (var page in Pages)
        {
            app.MapGet(page, context => ShellAsync(context, StatusCodes.Status200OK, policy)).ExcludeFromDescription();
        }

        app.MapFallback("{*path:regex(^(?!api(/|$)).*$)}", context => ShellAsync(context, StatusCodes.Status404NotFound, policy)).ExcludeFromDescription();
        return app;
    }

    private static async Task ShellAsync(HttpContext context, int status, string policy)
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
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-cache";
        await using var stream = shell.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
