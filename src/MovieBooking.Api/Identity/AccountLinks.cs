using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;

namespace MovieBooking.Api.Identity;

/// <summary>What an emailed link lets its holder do, once.</summary>
public enum AccountLinkPurpose
{
    ConfirmEmail,
    ResetPassword,
}

/// <summary>
/// A single-use, short-lived link sent by email (confirm the address, reset the password). The row holds no secret:
/// the link's secret is an HMAC of the row's id under a key derived from <c>Jwt:SigningKey</c>, so neither this table
/// nor the outbox row that sends the link can be replayed by someone who reads the database.
/// </summary>
public sealed class AccountLink
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public AccountLinkPurpose Purpose { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>Bound from <c>Accounts</c>: how long emailed links stay good.</summary>
public sealed class AccountLinkOptions
{
    public const string Section = "Accounts";

    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00", ErrorMessage = "Accounts:ConfirmationLinkLifetime must be between 00:10:00 and 30.00:00:00.")]
    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromDays(3);

    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00", ErrorMessage = "Accounts:PasswordResetLinkLifetime must be between 00:05:00 and 1.00:00:00.")]
    public TimeSpan PasswordResetLinkLifetime { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>Issues account links into the caller's unit of work and redeems them.</summary>
public sealed class AccountLinks(IOptions<JwtOptions> jwt, IOptions<AccountLinkOptions> options, TimeProvider time)
{
    /// <summary>A second link of the same purpose within this time is not issued: one email is enough.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private readonly byte[] _key = HKDF.DeriveKey(
        HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(jwt.Value.SigningKey), 32, info: "movie-booking account links"u8.ToArray());

    /// <summary>Adds a link for <paramref name="userId"/> to <paramref name="db"/>'s unit of work, unless one was issued a moment ago.</summary>
    public async Task<AccountLink?> IssueAsync(MovieBookingDb db, Guid userId, AccountLinkPurpose purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        var recently = now - Quiet;
        if (await db.AccountLinks.AnyAsync(l => l.UserId == userId && l.Purpose == purpose && l.UsedAt == null && l.CreatedAt > recently, cancellationToken))
        {
            return null;
        }

        var link = new AccountLink
        {
            UserId = userId,
            Purpose = purpose,
            CreatedAt = now,
            ExpiresAt = now + (purpose == AccountLinkPurpose.ResetPassword ? options.Value.PasswordResetLinkLifetime : options.Value.ConfirmationLinkLifetime),
        };
        db.AccountLinks.Add(link);
        return link;
    }

    /// <summary>The token a link carries: its id and its secret.</summary>
    public string Token(Guid linkId) => $"{linkId:N}.{Base64Url.EncodeToString(Secret(linkId))}";

    /// <summary>The live, unused link of <paramref name="purpose"/> that <paramref name="token"/> names, tracked for the caller to spend; null otherwise.</summary>
    public async Task<AccountLink?> FindAsync(MovieBookingDb db, string token, AccountLinkPurpose purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Read(token) is not { } id)
        {
            return null;
        }

        var link = await db.AccountLinks.FirstOrDefaultAsync(l => l.Id == id && l.Purpose == purpose, cancellationToken);
        return link is not null && link.UsedAt is null && link.ExpiresAt > time.GetUtcNow() ? link : null;
    }

    /// <summary>The link id of a well-formed token whose secret is right, whatever the link's state.</summary>
    public Guid? Read(string? token)
    {
        var parts = (token ?? "").Split('.');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var id) || !Base64Url.IsValid(parts[1]))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(parts[1]), Secret(id)) ? id : null;
    }

    private byte[] Secret(Guid linkId) => HMACSHA256.HashData(_key, linkId.ToByteArray());
}
