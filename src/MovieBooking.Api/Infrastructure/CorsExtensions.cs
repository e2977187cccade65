using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Bound from <c>Cors</c>: the web origins whose pages may call the API from a browser. None by default.</summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Cors";

    /// <summary>Origins such as <c>https://tickets.example.com</c> (scheme, host and port only).</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

public static class CorsExtensions
{
    /// <summary>
    /// Browsers on the configured origins may call every endpoint with a bearer token (no cookies are involved, so
    /// credentials are not allowed), send <c>Idempotency-Key</c>, and read <c>Location</c> and <c>Retry-After</c>.
    /// </summary>
    public static WebApplicationBuilder AddCrossOriginRequests(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.Section)
            .Validate(cors => cors.AllowedOrigins.All(IsOrigin),
                "Cors:AllowedOrigins takes origins only: a scheme (http or https), a host and an optional port, such as https://tickets.example.com.")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CrossOriginOptions>>((cors, configured) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. configured.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))])
                .AllowAnyHeader()
                .WithMethods("GET", "HEAD", "POST", "PUT", "DELETE")
                .WithExposedHeaders("Location", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin.TrimEnd('/'), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo);
}
