using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Identity;

/// <summary>A sign-in's tokens. <c>refreshToken</c> is absent in the web app's cookie mode (see <see cref="RefreshCookie"/>).</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);

/// <summary>Issues access tokens (JWT) and rotating refresh tokens, and detects the reuse of spent ones.</summary>
public sealed class TokenService(MovieBookingDb db, IOptions<JwtOptions> options, TimeProvider time, SessionRevoker revoker)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>A new pair for a fresh sign-in: the refresh token starts a new family.</summary>
    public Task<TokenResponse> SignInAsync(User user, CancellationToken cancellationToken) =>
        IssueAsync(user, Guid.CreateVersion7(), cancellationToken);

    /// <summary>
    /// Spends a refresh token and issues its successor. A token that was already spent or revoked is evidence of
    /// theft: the whole family is revoked and the answer is null, as for an unknown or expired token.
    /// </summary>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = Hash(refreshToken);
        var token = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.ExpiresAt <= now)
        {
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Spending is one guarded update, so of two racing refreshes with one token only one can win.
        var spent = await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.SpentAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.SpentAt, now), cancellationToken);
        if (spent == 0)
        {
            var revocation = await RevokeFamilyAsync(token.UserId, token.FamilyId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await revoker.AnnounceAsync(revocation);
            return null;
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var pair = await IssueAsync(user, token.FamilyId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pair;
    }

    /// <summary>
    /// Signs out: revokes every token of the family the given refresh token belongs to, and the session's access
    /// tokens with them.
    /// </summary>
    public async Task SignOutAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = Hash(refreshToken);
        var session = await db.RefreshTokens.Where(t => t.TokenHash == hash)
            .Select(t => new { t.UserId, t.FamilyId })
            .FirstOrDefaultAsync(cancellationToken);
        if (session is null)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revocation = await RevokeFamilyAsync(session.UserId, session.FamilyId, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await revoker.AnnounceAsync(revocation);
    }

    /// <summary>Revokes the family's refresh tokens and records the session's revocation, in the caller's transaction.</summary>
    private async Task<Revocation> RevokeFamilyAsync(Guid userId, Guid familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.RevokedAt, now), cancellationToken);
        var revocation = revoker.RevokeSession(userId, familyId);
        await db.SaveChangesAsync(cancellationToken);
        return revocation;
    }

    private async Task<TokenResponse> IssueAsync(User user, Guid familyId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var refreshToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = Hash(refreshToken),
            CreatedAt = now,
            ExpiresAt = now + settings.RefreshTokenLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);

        var accessToken = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + settings.AccessTokenLifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [TokenClaims.Subject] = user.Id.ToString(),
                [TokenClaims.Role] = user.Role.ToString(),
                [TokenClaims.Name] = user.Name,
                [TokenClaims.Email] = user.Email,
                [TokenClaims.Session] = familyId.ToString(),
                [TokenClaims.Version] = user.TokenVersion.ToString(CultureInfo.InvariantCulture),
                [JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7().ToString(),
            },
            SigningCredentials = SigningCredentials(settings),
        });
        return new TokenResponse(accessToken, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds, refreshToken);
    }

    internal static SymmetricSecurityKey SigningKey(JwtOptions settings) => new(Encoding.UTF8.GetBytes(settings.SigningKey));

    private static SigningCredentials SigningCredentials(JwtOptions settings) =>
        new(SigningKey(settings), SecurityAlgorithms.HmacSha256);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
