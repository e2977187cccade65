using System.Net;
using MovieBooking.Servers;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Identity;

/// <summary>
/// A session signed out, stolen or demoted through one instance is refused by the other, which learns of it through
/// Redis when there is one and by reading the database every second otherwise.
/// </summary>
public abstract class SessionRevocationTests(TwoInstancesOfOneDatabase instances)
{
    // The design spreads a revocation within a second; the bound only keeps a broken build from hanging.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Signing_out_on_one_instance_ends_the_session_on_the_other()
    {
        var (tokens, onSecond) = await SignedInOnSecondAsync();

        using var logout = await instances.First.CreateClient().PostJsonAsync("/api/auth/logout", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        await RefusedSoonAsync(onSecond);
    }

    [Fact]
    public async Task A_replayed_refresh_token_on_one_instance_ends_the_session_on_the_other()
    {
        var (tokens, _) = await SignedInOnSecondAsync();
        using var anonymous = instances.First.CreateClient();
        using var refreshed = await anonymous.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        var renewed = await refreshed.ReadJsonAsync(HttpStatusCode.OK);
        using var renewedOnSecond = instances.Second.CreateDefaultClient(new BearerTokenHandler(renewed.GetProperty("accessToken").GetString()!));
        await renewedOnSecond.GetJsonAsync("/api/users/me");

        using var replay = await anonymous.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);

        await RefusedSoonAsync(renewedOnSecond);
    }

    [Fact]
    public async Task A_demotion_on_one_instance_applies_on_the_other()
    {
        var (tokens, onSecond) = await SignedInOnSecondAsync();
        var userId = (await onSecond.GetJsonAsync("/api/users/me")).GetProperty("id").GetString();
        using var admin = await instances.First.SignedInClientAsync(Accounts.AdminEmail, Accounts.AdminPassword);
        using (var promoted = await admin.PutJsonAsync($"/api/users/{userId}/role", new { role = "TheatreOwner" }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        await RefusedSoonAsync(onSecond);
        using var anonymous = instances.Second.CreateClient();
        using var refreshed = await anonymous.PostJsonAsync("/api/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        var renewed = await refreshed.ReadJsonAsync(HttpStatusCode.OK);
        using var asOwner = instances.Second.CreateDefaultClient(new BearerTokenHandler(renewed.GetProperty("accessToken").GetString()!));
        Assert.Equal("TheatreOwner", (await asOwner.GetJsonAsync("/api/users/me")).GetProperty("role").GetString());
    }

    private async Task<(System.Text.Json.JsonElement Tokens, HttpClient OnSecond)> SignedInOnSecondAsync()
    {
        using var anonymous = instances.First.CreateClient();
        var email = $"session-{Guid.NewGuid():N}@example.com";
        await anonymous.RegisterAsync(email, "Session#2026");
        var tokens = await anonymous.LoginAsync(email, "Session#2026");
        var onSecond = instances.Second.CreateDefaultClient(new BearerTokenHandler(tokens.GetProperty("accessToken").GetString()!));
        // Validated and remembered by the second instance before the revocation.
        await onSecond.GetJsonAsync("/api/users/me");
        return (tokens, onSecond);
    }

    private static async Task RefusedSoonAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api/users/me", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "The other instance still accepts the revoked session's token.");
            await Task.Delay(50);
        }
    }
}

public sealed class SessionRevocationWithRedisTests(TwoInstancesWithRedis instances)
    : SessionRevocationTests(instances), IClassFixture<TwoInstancesWithRedis>;

public sealed class SessionRevocationWithoutRedisTests(TwoInstancesWithoutRedis instances)
    : SessionRevocationTests(instances), IClassFixture<TwoInstancesWithoutRedis>;
