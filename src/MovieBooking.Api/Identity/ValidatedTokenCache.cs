using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MovieBooking.Api.Identity;

/// <summary>
/// Validates an access token's signature and claims once and then remembers the outcome, keyed by the whole token
/// (signature included), so a client's later requests skip the signature check and the claims parsing. The token's
/// lifetime is still judged on every request, by the same rule and clock as a first validation; refused tokens are
/// never remembered. A token whose subject is not a user id of this service, or names no user, is refused (a 401, not
/// a failure further in), checked once per token. A token of a revoked session, or of a version its user's role change
/// superseded, is refused on every request from the moment this instance hears of the revocation
/// (<see cref="RevokedSessions"/>, in memory).
/// </summary>
internal sealed class ValidatedTokenCache(Func<string, Task<bool>> isUser, RevokedSessions revoked) : JsonWebTokenHandler, IDisposable
{
    /// <summary>Distinct tokens remembered at most; past that, new tokens are validated in full every time.</summary>
    internal const int Capacity = 10_000;

    // Remembered a while past their last use; an access token lives 15 minutes unless configured otherwise.
    private static readonly TimeSpan Unused = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (_validated.TryGetValue(token, out Validated? known) && known is { Result.SecurityToken: { } security })
        {
            if (IsLive(security, validationParameters))
            {
                return revoked.Refuses(known.Session, known.User, known.Version) ? Revoked() : known.Result;
            }

            // Lapsed: the full validation gives the refusal its usual reason.
            _validated.Remove(token);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid)
        {
            return result;
        }

        if (Read(result) is not { } validated || !await isUser(validated.User.ToString()))
        {
            return Refused("The token does not name a session of a user of this service.");
        }

        if (revoked.Refuses(validated.Session, validated.User, validated.Version))
        {
            return Revoked();
        }

        // Read once here, so every request that reuses the result shares the same, already built identity.
        _ = result.ClaimsIdentity;
        _validated.Set(token, validated, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Unused });
        return result;
    }

    /// <summary>A validated token's session, user and version, parsed once.</summary>
    private sealed record Validated(TokenValidationResult Result, Guid Session, Guid User, int Version);

    private static Validated? Read(TokenValidationResult result) =>
        Claim(result, TokenClaims.Subject) is { } subject && Guid.TryParse(subject, out var user)
        && Claim(result, TokenClaims.Session) is { } sid && Guid.TryParse(sid, out var session)
        && Claim(result, TokenClaims.Version) is { } ver && int.TryParse(ver, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new Validated(result, session, user, version)
            : null;

    private static string? Claim(TokenValidationResult result, string name) =>
        result.Claims.TryGetValue(name, out var value) ? value as string : null;

    private static TokenValidationResult Revoked() => Refused("The token's session was signed out, or its user's role changed since it was issued.");

    private static TokenValidationResult Refused(string reason) =>
        new() { IsValid = false, Exception = new SecurityTokenValidationException(reason) };

    /// <summary>Whether a token's subject is the id of a user of this service's database.</summary>
    public static Func<string, Task<bool>> UserInDatabase(IServiceScopeFactory scopes) => async subject =>
    {
        if (!Guid.TryParse(subject, out var userId))
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Data.MovieBookingDb>().Users.AnyAsync(u => u.Id == userId);
    };

    private static bool IsLive(SecurityToken token, TokenValidationParameters parameters)
    {
        DateTime? notBefore = token.ValidFrom == DateTime.MinValue ? null : token.ValidFrom;
        DateTime? expires = token.ValidTo == DateTime.MinValue ? null : token.ValidTo;
        if (parameters.LifetimeValidator is { } validator)
        {
            return validator(notBefore, expires, token, parameters);
        }

        try
        {
            Validators.ValidateLifetime(notBefore, expires, token, parameters);
            return true;
        }
        catch (SecurityTokenException)
        {
            return false;
        }
    }

    public void Dispose() => _validated.Dispose();
}
