using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Identity;

public static class AuthApi
{
    public sealed record RegisterRequest(
        [property: Required, AccountEmail] string Email,
        [property: Required, PasswordPolicy] string Password,
        [property: Required, StringLength(100, MinimumLength = 1)] string Name);

    public sealed record LoginRequest([property: Required] string Email, [property: Required] string Password);

    public sealed record RefreshRequest([property: Required, StringLength(200)] string RefreshToken);

    private static List<string> AllowedOrigins(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<CrossOriginOptions>>().Value.AllowedOrigins;

    /// <summary>Answers with the tokens, moving the refresh token into the cookie when the client asked for the cookie mode.</summary>
    private static TokenResponse Deliver(TokenResponse tokens, HttpContext context)
    {
        if (!RefreshCookie.Requested(context.Request) || tokens.RefreshToken is null)
        {
            return tokens;
        }

        RefreshCookie.Write(context.Response, tokens.RefreshToken, context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<JwtOptions>>());
        return tokens with { RefreshToken = null };
    }

    /// <summary>The refresh token of the request: the body's, or in cookie mode the cookie's (same-site requests only).</summary>
    private static string? PresentedRefreshToken(RefreshRequest? request, HttpContext context) =>
        request?.RefreshToken ?? (RefreshCookie.Requested(context.Request) && RefreshCookie.FromAllowedOrigin(context.Request, AllowedOrigins(context))
            ? RefreshCookie.Read(context.Request)
            : null);

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/auth").WithTags("Accounts").RequireRateLimiting(RateLimitPolicies.Auth);
        api.MapPost("/register", RegisterAsync)
            .WithSummary("Creates an account with the User role.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/login", LoginAsync)
            .WithSummary("Signs in: an access token (JWT) and a refresh token.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/refresh", RefreshAsync)
            .WithSummary("Spends a refresh token (the body's, or with X-Refresh-Cookie: 1 the web app's HttpOnly cookie) for a new pair. Reusing a spent token revokes its whole chain and the sign-in's access tokens.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/logout", LogoutAsync)
            .WithSummary("Signs out: revokes the refresh token's chain and the sign-in's access tokens, on every instance within a second.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, MovieBookingDb db, IPasswordHasher<User> hasher, TimeProvider time, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
        {
            return EmailTaken();
        }

        var user = new User
        {
            Email = request.Email.Trim(),
            NormalizedEmail = normalized,
            Name = request.Name.Trim(),
            Role = Role.User,
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another registration with the same address may have won the race to the unique index.
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            {
                return EmailTaken();
            }

            throw;
        }

        return TypedResults.Created($"/api/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, TooManyRequestsProblem>> LoginAsync(
        LoginRequest request,
        HttpContext context,
        MovieBookingDb db,
        IPasswordHasher<User> hasher,
        LoginThrottle throttle,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Email);
        var client = RateLimitingExtensions.ClientAddress(context);
        if (await throttle.RetryAfterAsync(normalized, client, cancellationToken) is { } refusal)
        {
            return new TooManyRequestsProblem(refusal.Wait, refusal.Reason);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        // An unknown address costs the same hash computation as a wrong password, so timing tells nothing.
        var result = hasher.VerifyHashedPassword(user ?? DummyUser, user?.PasswordHash ?? DummyHash.Value, request.Password);
        if (user is null || result == PasswordVerificationResult.Failed)
        {
            await throttle.RecordFailureAsync(normalized, client, cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The email or password is wrong.");
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
            await db.SaveChangesAsync(cancellationToken);
        }

        await throttle.ResetAsync(normalized, client, cancellationToken);
        return TypedResults.Ok(Deliver(await tokens.SignInAsync(user, cancellationToken), context));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest? request, HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        var presented = PresentedRefreshToken(request, context);
        var pair = presented is null ? null : await tokens.RefreshAsync(presented, cancellationToken);
        if (pair is null)
        {
            if (request is null && RefreshCookie.Requested(context.Request))
            {
                RefreshCookie.Clear(context.Response);
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed",
                detail: "The refresh token is unknown, expired, revoked or already used. Sign in again.");
        }

        return TypedResults.Ok(Deliver(pair, context));
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest? request, HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        if (PresentedRefreshToken(request, context) is { } presented)
        {
            await tokens.SignOutAsync(presented, cancellationToken);
        }

        if (RefreshCookie.Requested(context.Request))
        {
            RefreshCookie.Clear(context.Response);
        }

        return TypedResults.NoContent();
    }

    private static ProblemHttpResult EmailTaken() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email already registered",
            detail: "An account with this email address exists. Sign in instead.");

    private static readonly User DummyUser = new() { Email = "", NormalizedEmail = "", Name = "" };

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(DummyUser, Guid.NewGuid().ToString()));
}
