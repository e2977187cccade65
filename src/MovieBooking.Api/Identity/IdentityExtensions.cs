using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Identity;

/// <summary>Authorization policies by role.</summary>
public static class Policies
{
    public const string Admin = nameof(Admin);

    /// <summary>Theatre owners and admins; whether the theatre is theirs is checked per request.</summary>
    public const string TheatreManager = nameof(TheatreManager);
}

public static class IdentityExtensions
{
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .ValidateDataAnnotations()
            .Validate<IHostEnvironment>((jwt, environment) => DevelopmentSecrets.Refuse(environment, ("Jwt:SigningKey", jwt.SigningKey)) is null,
                $"Jwt:SigningKey is the published development secret; outside Development set a secret of your own (Jwt__SigningKey).")
            .ValidateOnStart();

        services.AddOptions<AccountLinkOptions>().BindConfiguration(AccountLinkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccountLinks>();
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        services.AddScoped<TokenService>();
        services.AddScoped<LoginThrottle>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddOptions<SessionOptions>()
            .BindConfiguration(SessionOptions.Section)
            .Validate(o => o.RevocationPoll >= TimeSpan.FromMilliseconds(100) && o.RevocationPoll <= TimeSpan.FromMinutes(1),
                "Sessions:RevocationPoll must be between 00:00:00.1 and 00:01:00.")
            .ValidateOnStart();
        services.AddSingleton<RevokedSessions>();
        services.AddScoped<SessionRevoker>();
        if (builder.ServesApi())
        {
            services.AddHostedService<RevocationFollower>();
        }

        services.AddSingleton(sp => new ValidatedTokenCache(
            ValidatedTokenCache.UserInDatabase(sp.GetRequiredService<IServiceScopeFactory>()), sp.GetRequiredService<RevokedSessions>()));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, TimeProvider, ValidatedTokenCache>((bearer, jwt, time, validatedTokens) =>
            {
                var settings = jwt.Value;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(validatedTokens);
                // Applies to the handler just added too.
                bearer.MapInboundClaims = false;
                bearer.SaveToken = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKey = TokenService.SigningKey(settings),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = TokenClaims.Name,
                    RoleClaimType = TokenClaims.Role,
                    // Expiry is judged by the service's clock, so tests can move time.
                    LifetimeValidator = (notBefore, expires, _, _) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return expires is { } end && now < end + ClockSkew && (notBefore is not { } start || start - ClockSkew <= now);
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(nameof(Role.Admin)))
            .AddPolicy(Policies.TheatreManager, policy => policy.RequireRole(nameof(Role.TheatreOwner), nameof(Role.Admin)));
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapAuthApi();
        routes.MapUsersApi();
        return routes;
    }
}
