using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Identity;

/// <summary>
/// The web app's way of keeping a sign-in: its refresh token travels only in an <c>HttpOnly; Secure; SameSite=Strict</c>
/// cookie scoped to <c>/api/auth</c>, so page scripts never see it and the access token lives in memory. A client asks
/// for this mode with the <c>X-Refresh-Cookie: 1</c> header on sign-in, refresh and sign-out. A cross-site request
/// cannot use the cookie: browsers do not send a strict cookie with it, a custom header needs a CORS preflight that
/// foreign origins fail, and a request whose <c>Origin</c> is another site is refused outright.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "mb_refresh";
    public const string Header = "X-Refresh-Cookie";
    public const string Path = "/api/auth";

    /// <summary>
    /// A companion cookie without the token, readable by the page, that only says a sign-in exists, so the page asks
    /// for a refresh only when there is something to refresh.
    /// </summary>
    public const string Marker = "mb_session";

    /// <summary>Whether the client asked for the cookie mode.</summary>
    public static bool Requested(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers[Header] == "1";
    }

    /// <summary>Whether the request comes from this site (or a configured origin), or from no browser page at all.</summary>
    public static bool FromAllowedOrigin(HttpRequest request, IReadOnlyCollection<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        var own = $"{request.Scheme}://{request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }

    public static string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
    }

    public static void Write(HttpResponse response, string refreshToken, IOptions<JwtOptions> jwt)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(jwt);
        response.Cookies.Append(Name, refreshToken, Options(jwt.Value.RefreshTokenLifetime));
        response.Cookies.Append(Marker, "1", MarkerOptions(jwt.Value.RefreshTokenLifetime));
    }

    public static void Clear(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(Name, Options(TimeSpan.Zero));
        response.Cookies.Delete(Marker, MarkerOptions(TimeSpan.Zero));
    }

    private static CookieOptions MarkerOptions(TimeSpan lifetime) => new()
    {
        HttpOnly = false,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        MaxAge = lifetime > TimeSpan.Zero ? lifetime : null,
        IsEssential = true,
    };

    private static CookieOptions Options(TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = Path,
        MaxAge = lifetime > TimeSpan.Zero ? lifetime : null,
        IsEssential = true,
    };
}
