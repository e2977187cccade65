using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Notifications;

namespace MovieBooking.Api.Identity;

public static class AuthApi
{
    public sealed record RegisterRequest(
        [property: Required, AccountEmail] string Email,
        [property: Required, PasswordPolicy] string Password,
        [property: Required, StringLength(100, MinimumLength = 1)] string Name);

    public sealed record LoginRequest([property: Required] string Email, [property: Required] string Password);

    public sealed record RefreshRequest([property: Required, StringLength(200)] string RefreshToken);

    public sealed record ConfirmEmailRequest([property: Required, StringLength(100)] string Token);

    public sealed record ForgotPasswordRequest([property: Required, AccountEmail] string Email);

    public sealed record ResetPasswordRequest([property: Required, StringLength(100)] string Token, [property: Required, PasswordPolicy] string Password);

    /// <summary>The same answer whether or not the address has an account.</summary>
    public sealed record AcceptedResponse(string Message);

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
            .WithSummary("Creates an account with the User role and emails a link to confirm the address; the account can book at once. An address that already has an account gets the same answer, and its owner an email instead.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/confirm-email", ConfirmEmailAsync)
            .WithSummary("Confirms the account's email address with the token of the emailed link.")
            .ProducesValidationProblem();
        api.MapPost("/confirm-email/resend", ResendConfirmationAsync).RequireAuthorization()
            .WithSummary("Emails the signed-in user a new link to confirm their address.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/forgot-password", ForgotPasswordAsync)
            .WithSummary("Emails a single-use link to set a new password, if the address has an account; the answer is the same either way.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/reset-password", ResetPasswordAsync)
            .WithSummary("Sets a new password with the token of the emailed link, once; every session of the account is signed out.")
            .ProducesValidationProblem();
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

    private static async Task<Created<UserResponse>> RegisterAsync(
        RegisterRequest request,
        MovieBookingDb db,
        IPasswordHasher<User> hasher,
        AccountLinks links,
        OutboxSignal outbox,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var normalized = User.Normalize(request.Email);
        var user = new User
        {
            Email = request.Email.Trim(),
            NormalizedEmail = normalized,
            Name = request.Name.Trim(),
            Role = Role.User,
            CreatedAt = now,
        };
        // Hashed whether or not the account is new, so the answer takes as long either way.
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken) || !await TryAddAsync(db, user, links, cancellationToken))
        {
            await TellOwnerAsync(db, normalized, now, cancellationToken);
        }

        outbox.Written();
        // An existing address gets the answer a new one gets (with an id no account has), so strangers cannot tell.
        return TypedResults.Created($"/api/users/{user.Id}", UserResponse.From(user));
    }

    /// <summary>Adds the account with its confirmation email; false when another registration took the address first.</summary>
    private static async Task<bool> TryAddAsync(MovieBookingDb db, User user, AccountLinks links, CancellationToken cancellationToken)
    {
        db.Users.Add(user);
        var link = await links.IssueAsync(db, user.Id, AccountLinkPurpose.ConfirmEmail, cancellationToken);
        Outbox.AccountMessage(db, NotificationKind.ConfirmEmail, user.Id, user.CreatedAt, link!.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another registration with the same address may have won the race to the unique index.
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == user.NormalizedEmail, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>Tells an account's owner that someone registered with their address: at most once an hour.</summary>
    private static async Task TellOwnerAsync(MovieBookingDb db, string normalized, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var owner = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstAsync(cancellationToken);
        var lastHour = now - TimeSpan.FromHours(1);
        if (!await db.Notifications.AnyAsync(n => n.UserId == owner && n.Kind == NotificationKind.RegistrationAttempt && n.CreatedAt > lastHour, cancellationToken))
        {
            Outbox.AccountMessage(db, NotificationKind.RegistrationAttempt, owner, now);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem>> ConfirmEmailAsync(
        ConfirmEmailRequest request, MovieBookingDb db, AccountLinks links, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await links.FindAsync(db, request.Token, AccountLinkPurpose.ConfirmEmail, cancellationToken) is { } link)
        {
            link.UsedAt = now;
            await db.Users.Where(u => u.Id == link.UserId && u.EmailConfirmedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.EmailConfirmedAt, now), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.NoContent();
        }

        // A link opened twice (a mail scanner, a second click) finds its work done.
        if (links.Read(request.Token) is { } id
            && await db.AccountLinks.AnyAsync(l => l.Id == id && l.Purpose == AccountLinkPurpose.ConfirmEmail && l.UsedAt != null, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        return LinkRefused("This confirmation link is not valid or has expired. Sign in and ask for a new one from your profile.");
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ProblemHttpResult>> ResendConfirmationAsync(
        CurrentUser current, MovieBookingDb db, AccountLinks links, OutboxSignal outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == current.Id, cancellationToken);
        if (user.EmailConfirmedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email already confirmed",
                detail: "Your email address is confirmed already.");
        }

        if (await links.IssueAsync(db, user.Id, AccountLinkPurpose.ConfirmEmail, cancellationToken) is { } link)
        {
            Outbox.AccountMessage(db, NotificationKind.ConfirmEmail, user.Id, time.GetUtcNow(), link.Id);
            await db.SaveChangesAsync(cancellationToken);
            outbox.Written();
        }

        return TypedResults.Accepted((string?)null, new AcceptedResponse($"A new confirmation link is on its way to {user.Email}."));
    }

    private static async Task<Accepted<AcceptedResponse>> ForgotPasswordAsync(
        ForgotPasswordRequest request, MovieBookingDb db, AccountLinks links, OutboxSignal outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Email);
        var owner = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (owner is { } userId && await links.IssueAsync(db, userId, AccountLinkPurpose.ResetPassword, cancellationToken) is { } link)
        {
            Outbox.AccountMessage(db, NotificationKind.PasswordReset, userId, time.GetUtcNow(), link.Id);
            await db.SaveChangesAsync(cancellationToken);
            outbox.Written();
        }

        return TypedResults.Accepted((string?)null, new AcceptedResponse(
            "If an account uses this address, a link to choose a new password is on its way to it. The link works once, for a short while."));
    }

    private static async Task<Results<NoContent, ValidationProblem>> ResetPasswordAsync(
        ResetPasswordRequest request,
        MovieBookingDb db,
        AccountLinks links,
        IPasswordHasher<User> hasher,
        SessionRevoker revoker,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await links.FindAsync(db, request.Token, AccountLinkPurpose.ResetPassword, cancellationToken) is not { } link)
        {
            return LinkRefused(ResetLinkRefused);
        }

        var now = time.GetUtcNow();
        // Spent by a conditional update, so of two requests racing with one link only one sets a password.
        if (await db.AccountLinks.Where(l => l.Id == link.Id && l.UsedAt == null)
                .ExecuteUpdateAsync(l => l.SetProperty(x => x.UsedAt, now), cancellationToken) != 1)
        {
            return LinkRefused(ResetLinkRefused);
        }

        var user = await db.Users.FirstAsync(u => u.Id == link.UserId, cancellationToken);
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        // The link reached the inbox: the address is proven.
        user.EmailConfirmedAt ??= now;
        user.TokenVersion++;
        var revocation = revoker.RevokeVersionsBelow(user.Id, user.TokenVersion);
        await db.SaveChangesAsync(cancellationToken);
        // Every sign-in ends: no refresh token of the account works any more, and the other reset links are spent.
        await db.RefreshTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await db.AccountLinks.Where(l => l.UserId == user.Id && l.Purpose == AccountLinkPurpose.ResetPassword && l.UsedAt == null)
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.UsedAt, now), cancellationToken);
        // Failed sign-ins before the reset no longer slow the owner down.
        await db.LoginFailures.Where(f => f.NormalizedEmail == user.NormalizedEmail).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await revoker.AnnounceAsync(revocation);
        return TypedResults.NoContent();
    }

    private const string ResetLinkRefused = "This reset link is not valid, was used already or has expired. Ask for a new one.";

    private static ValidationProblem LinkRefused(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = [message] }, title: "Link not valid");

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

    private static readonly User DummyUser = new() { Email = "", NormalizedEmail = "", Name = "" };

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(DummyUser, Guid.NewGuid().ToString()));
}
