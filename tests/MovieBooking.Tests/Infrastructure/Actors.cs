namespace MovieBooking.Tests.Infrastructure;

/// <summary>
/// The people of the role matrix: nobody, a user, the owner of some other theatre, the owner of every demo theatre
/// and an admin, each with a signed-in client.
/// </summary>
public sealed record Actors(
    HttpClient Anonymous,
    HttpClient User,
    HttpClient OtherOwner,
    HttpClient Owner,
    HttpClient Admin,
    string OwnerId,
    string UserId,
    CatalogBuilder Catalog)
{
    public static readonly string[] Names = ["anonymous", "user", "other-owner", "owner", "admin"];

    public HttpClient Named(string name) => name switch
    {
        "anonymous" => Anonymous,
        "user" => User,
        "other-owner" => OtherOwner,
        "owner" => Owner,
        "admin" => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown actor."),
    };

    public static async Task<Actors> CreateAsync(MovieBookingApp app)
    {
        var anonymous = app.CreateClient();
        var admin = await app.SignedInClientAsync(Accounts.AdminEmail, Accounts.AdminPassword);
        var owner = await app.SignedInClientAsync(Accounts.OwnerEmail, Accounts.OwnerPassword);
        var user = await app.SignedInClientAsync(Accounts.UserEmail, Accounts.UserPassword);
        var catalog = new CatalogBuilder(admin, app.Time.GetUtcNow());

        var otherEmail = $"other-owner-{Guid.NewGuid():N}@example.com";
        var otherId = await anonymous.RegisterAsync(otherEmail, "Other#2026", "Other Owner");
        using (var promoted = await admin.PutJsonAsync($"/api/users/{otherId}/role", new { role = "TheatreOwner" }))
        {
            promoted.EnsureSuccessStatusCode();
        }

        await catalog.TheatreAsync(otherId);
        var otherOwner = await app.SignedInClientAsync(otherEmail, "Other#2026");

        var ownerId = (await owner.GetJsonAsync("/api/users/me")).GetProperty("id").GetString()!;
        var userId = (await user.GetJsonAsync("/api/users/me")).GetProperty("id").GetString()!;
        return new Actors(anonymous, user, otherOwner, owner, admin, ownerId, userId, catalog);
    }
}
