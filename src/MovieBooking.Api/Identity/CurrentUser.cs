using System.Security.Claims;

namespace MovieBooking.Api.Identity;

/// <summary>The signed-in person of the current request, read once from the validated token.</summary>
public sealed class CurrentUser(IHttpContextAccessor accessor)
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    public Guid Id => Guid.TryParse(Principal.FindFirstValue(TokenClaims.Subject), out var id)
        ? id
        : throw new InvalidOperationException("The request has no signed-in user.");

    public bool IsAdmin => Principal.IsInRole(nameof(Role.Admin));

    /// <summary>Admins manage every theatre; a theatre owner only their own.</summary>
    public bool CanManageTheatreOf(Guid ownerId) => IsAdmin || (Principal.IsInRole(nameof(Role.TheatreOwner)) && ownerId == Id);
}

public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Email = "email";

    /// <summary>The sign-in (refresh-token family) the access token belongs to; revoking it refuses the token.</summary>
    public const string Session = "sid";

    /// <summary>The user's token version when the token was issued; a role change raises it.</summary>
    public const string Version = "ver";
}
