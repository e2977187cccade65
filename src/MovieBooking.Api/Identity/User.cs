using System.Text.Json.Serialization;

namespace MovieBooking.Api.Identity;

public sealed class User
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>As the person typed it.</summary>
    public required string Email { get; set; }

    /// <summary>Trimmed and upper-cased: the unique key, so <c>A@x.com</c> and <c>a@x.com</c> are one account.</summary>
    public required string NormalizedEmail { get; set; }

    public required string Name { get; set; }
    public string PasswordHash { get; set; } = "";
    public Role Role { get; set; } = Role.User;

    /// <summary>Carried by access tokens as <c>ver</c>; raised when the role changes, so tokens naming the old role are refused.</summary>
    public int TokenVersion { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A mobile number in E.164 form (<c>+919876543210</c>), for SMS; none until the person adds one.</summary>
    public string? Phone { get; set; }

    /// <summary>Whether reminders before a show come by email (on unless turned off).</summary>
    public bool RemindByEmail { get; set; } = true;

    /// <summary>Whether reminders before a show come by SMS (needs a phone number).</summary>
    public bool RemindBySms { get; set; }

    /// <summary>When the person proved the address is theirs (a confirmation link, or a password reset); none until then.</summary>
    public DateTimeOffset? EmailConfirmedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}

/// <summary>What a signed-in person may do. Serialised as <c>Admin</c>, <c>TheatreOwner</c>, <c>User</c>.</summary>
public enum Role
{
    [JsonStringEnumMemberName(nameof(User))]
    User,

    [JsonStringEnumMemberName(nameof(TheatreOwner))]
    TheatreOwner,

    [JsonStringEnumMemberName(nameof(Admin))]
    Admin,
}

/// <summary>
/// A refresh token, stored only as its SHA-256 hash. Tokens of one sign-in form a family: each refresh
/// spends one token and issues its successor; presenting a spent token revokes the whole family.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public Guid FamilyId { get; init; }
    public required string TokenHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? SpentAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>One failed sign-in for an account name (whether or not such an account exists) from a client address.</summary>
public sealed class LoginFailure
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string NormalizedEmail { get; init; }

    /// <summary>The address the attempt came from.</summary>
    public required string Client { get; init; }

    public DateTimeOffset FailedAt { get; init; }
}
