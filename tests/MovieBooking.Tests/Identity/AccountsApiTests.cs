using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Identity;

/// <summary>Registration, sign-in, token refresh and roles over HTTP, on every database.</summary>
public abstract class AccountsApiTests(AppFixture fixture)
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Registration_creates_a_user_without_password_material()
    {
        using var response = await _client.PostJsonAsync("/api/auth/register", new { email = "Priya.S@Example.com", password = "Popcorn#42", name = "Priya S" });
        var user = await response.ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal("Priya.S@Example.com", user.GetProperty("email").GetString());
        Assert.Equal("Priya S", user.GetProperty("name").GetString());
        Assert.Equal("User", user.GetProperty("role").GetString());
        Assert.Equal($"/api/users/{user.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        var body = user.ToString();
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Popcorn", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01a1b2c3-0000-7000-8000-000000000000")] // a user id of the right shape that no user has
    [InlineData("not-a-user-id")]
    public async Task A_well_signed_token_whose_subject_is_no_user_is_a_401(string subject)
    {
        // The same token for a user who exists is good, so the refusal below is about the subject alone.
        var existing = await _client.RegisterAsync($"subject-{Guid.NewGuid():N}@example.com");
        Assert.Equal(HttpStatusCode.OK, await StatusWithTokenAsync(SignedToken(existing), "/api/users/me"));

        foreach (var path in new[] { "/api/bookings", "/api/users/me" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(SignedToken(subject), path));
        }
    }

    /// <summary>A token signed with the service's key, as the service would issue it, for any subject.</summary>
    private string SignedToken(string subject)
    {
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes("test-signing-key-of-at-least-thirty-two-bytes"));
        var now = _app.Time.GetUtcNow().UtcDateTime;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "movie-booking",
            Audience = "movie-booking-api",
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = "User", ["sid"] = Guid.NewGuid().ToString(), ["ver"] = "0" },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<HttpStatusCode> StatusWithTokenAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Emails_are_unique_whatever_their_case_and_a_second_registration_answers_like_the_first()
    {
        var email = $"case.test.{Guid.NewGuid():N}@example.com";
        var first = await _client.RegisterAsync(email);
        using var response = await _client.PostJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = "Another#1", name = "Twin" });
        var twin = await response.ReadJsonAsync(HttpStatusCode.Created);

        // The same shape as a new account's answer, with an id no account has: strangers cannot tell.
        Assert.Equal(email.ToUpperInvariant(), twin.GetProperty("email").GetString());
        Assert.Equal("Twin", twin.GetProperty("name").GetString());
        Assert.False(twin.GetProperty("emailConfirmed").GetBoolean());
        Assert.NotEqual(first, twin.GetProperty("id").GetString());
        Assert.Equal($"/api/users/{twin.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        var normalized = email.ToUpperInvariant();
        Assert.Equal(1, await _app.WithDbAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
        // The account keeps its password.
        await _client.LoginAsync(email, "Secret#123");
        using var twinLogin = await _client.PostJsonAsync("/api/auth/login", new { email, password = "Another#1" });
        await twinLogin.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("short1!", "password")]
    [InlineData("onlyletters", "password")]
    [InlineData("12345678", "password")]
    [InlineData("        ", "password")]
    [InlineData("", "password")]
    public async Task A_weak_password_is_a_validation_problem_naming_the_field(string password, string field)
    {
        using var response = await _client.PostJsonAsync("/api/auth/register", new { email = $"weak{Guid.NewGuid():N}@example.com", password, name = "Weak" });
        await AssertFieldErrorAsync(response, field);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("nobody@localhost")]
    [InlineData("Name <name@example.com>")]
    [InlineData(" spaced@example.com")]
    public async Task A_malformed_email_is_a_validation_problem_naming_the_field(string email)
    {
        using var response = await _client.PostJsonAsync("/api/auth/register", new { email, password = "Good#Pass1", name = "Someone" });
        await AssertFieldErrorAsync(response, "email");
    }

    [Theory]
    [InlineData("{\"email\": \"broken@example.com\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"email\": 42, \"password\": \"Good#Pass1\", \"name\": \"N\"}")]
    [InlineData("")]
    public async Task A_malformed_body_is_a_400_problem_and_creates_nothing(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri("/api/auth/register", UriKind.Relative), content);
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);

        using var login = await _client.PostJsonAsync("/api/auth/login", new { email = "broken@example.com", password = "Good#Pass1" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Signing_in_gives_a_bearer_token_that_reads_the_profile()
    {
        await _client.RegisterAsync("reader@example.com", "Reader#2026", "Rita Reader");
        var tokens = await _client.LoginAsync("READER@example.com", "Reader#2026");

        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));

        using var client = _app.CreateDefaultClient(new BearerTokenHandler(tokens.GetProperty("accessToken").GetString()!));
        var me = await client.GetJsonAsync("/api/users/me");
        Assert.Equal("reader@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Rita Reader", me.GetProperty("name").GetString());
        Assert.Equal("User", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        await _client.RegisterAsync("known@example.com", "Known#2026");
        using var wrongPassword = await _client.PostJsonAsync("/api/auth/login", new { email = "known@example.com", password = "Wrong#2026" });
        using var unknownEmail = await _client.PostJsonAsync("/api/auth/login", new { email = "unknown@example.com", password = "Known#2026" });

        var first = await wrongPassword.ReadProblemAsync(HttpStatusCode.Unauthorized);
        var second = await unknownEmail.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    public async Task The_profile_needs_a_valid_token(string? token)
    {
        using var client = token is null ? _app.CreateClient() : _app.CreateDefaultClient(new BearerTokenHandler(token));
        await client.GetProblemAsync("/api/users/me", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_access_token_expires_after_fifteen_minutes()
    {
        await _client.RegisterAsync("expiry@example.com", "Expiry#2026");
        var tokens = await _client.LoginAsync("expiry@example.com", "Expiry#2026");
        using var client = _app.CreateDefaultClient(new BearerTokenHandler(tokens.GetProperty("accessToken").GetString()!));
        await client.GetJsonAsync("/api/users/me");

        _app.Time.Advance(TimeSpan.FromMinutes(14));
        await client.GetJsonAsync("/api/users/me");
        _app.Time.Advance(TimeSpan.FromMinutes(2));
        await client.GetProblemAsync("/api/users/me", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_reuse_revokes_the_whole_chain()
    {
        await _client.RegisterAsync("rotate@example.com", "Rotate#2026");
        var first = await _client.LoginAsync("rotate@example.com", "Rotate#2026");
        var firstRefresh = first.GetProperty("refreshToken").GetString()!;

        var second = await RefreshAsync(firstRefresh, HttpStatusCode.OK);
        var secondRefresh = second.GetProperty("refreshToken").GetString()!;
        Assert.NotEqual(firstRefresh, secondRefresh);
        using (var client = _app.CreateDefaultClient(new BearerTokenHandler(second.GetProperty("accessToken").GetString()!)))
        {
            Assert.Equal("rotate@example.com", (await client.GetJsonAsync("/api/users/me")).GetProperty("email").GetString());
        }

        // The spent token comes back: theft is assumed and every token of the chain dies, the newest included,
        // and so do the session's access tokens, at once.
        await RefreshAsync(firstRefresh, HttpStatusCode.Unauthorized);
        await RefreshAsync(secondRefresh, HttpStatusCode.Unauthorized);
        foreach (var pair in new[] { first, second })
        {
            using var client = _app.CreateDefaultClient(new BearerTokenHandler(pair.GetProperty("accessToken").GetString()!));
            await client.GetProblemAsync("/api/users/me", HttpStatusCode.Unauthorized);
        }

        // A fresh sign-in starts a new chain that works.
        var fresh = await _client.LoginAsync("rotate@example.com", "Rotate#2026");
        await RefreshAsync(fresh.GetProperty("refreshToken").GetString()!, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_revokes_the_chain_and_ends_the_sessions_access_tokens_at_once()
    {
        await _client.RegisterAsync("logout@example.com", "Logout#2026");
        var tokens = await _client.LoginAsync("logout@example.com", "Logout#2026");
        var elsewhere = await _client.LoginAsync("logout@example.com", "Logout#2026");
        var refresh = tokens.GetProperty("refreshToken").GetString()!;
        var renewed = await RefreshAsync(refresh, HttpStatusCode.OK);
        using var signedIn = _app.CreateDefaultClient(new BearerTokenHandler(renewed.GetProperty("accessToken").GetString()!));
        using var otherDevice = _app.CreateDefaultClient(new BearerTokenHandler(elsewhere.GetProperty("accessToken").GetString()!));
        await signedIn.GetJsonAsync("/api/users/me");

        using var logout = await _client.PostJsonAsync("/api/auth/logout", new { refreshToken = refresh });
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await RefreshAsync(renewed.GetProperty("refreshToken").GetString()!, HttpStatusCode.Unauthorized);
        var refused = await signedIn.GetProblemAsync("/api/users/me", HttpStatusCode.Unauthorized);
        Assert.Equal(401, refused.GetProperty("status").GetInt32());

        // The same person's other sign-in is another session and goes on.
        await otherDevice.GetJsonAsync("/api/users/me");
    }

    [Fact]
    public async Task A_role_change_applies_at_once_and_the_next_refresh_carries_the_new_role()
    {
        var userId = await _client.RegisterAsync("promoted@example.com", "Promote#2026");
        var tokens = await _client.LoginAsync("promoted@example.com", "Promote#2026");
        using var admin = await _app.SignedInClientAsync(Accounts.AdminEmail, Accounts.AdminPassword);

        foreach (var role in new[] { "TheatreOwner", "User" })
        {
            using var current = _app.CreateDefaultClient(new BearerTokenHandler(tokens.GetProperty("accessToken").GetString()!));
            await current.GetJsonAsync("/api/users/me");
            using (var changed = await admin.PutJsonAsync($"/api/users/{userId}/role", new { role }))
            {
                Assert.Equal(role, (await changed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("role").GetString());
            }

            // The token naming the old role is refused at once; a refresh gives one with the new role.
            await current.GetProblemAsync("/api/users/me", HttpStatusCode.Unauthorized);
            tokens = await RefreshAsync(tokens.GetProperty("refreshToken").GetString()!, HttpStatusCode.OK);
            using var after = _app.CreateDefaultClient(new BearerTokenHandler(tokens.GetProperty("accessToken").GetString()!));
            Assert.Equal(role, (await after.GetJsonAsync("/api/users/me")).GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_fourteen_days_and_unknown_ones_are_refused()
    {
        await _client.RegisterAsync("old@example.com", "OldToken#1");
        var tokens = await _client.LoginAsync("old@example.com", "OldToken#1");
        await RefreshAsync("made-up-token", HttpStatusCode.Unauthorized);

        _app.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        await RefreshAsync(tokens.GetProperty("refreshToken").GetString()!, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_web_apps_refresh_cookie_is_http_only_strict_and_unusable_from_another_site()
    {
        await _client.RegisterAsync("cookie@example.com", "Cookie#2026");
        using var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/login", UriKind.Relative))
        {
            Content = JsonContent.Create(new { email = "cookie@example.com", password = "Cookie#2026" }),
        };
        login.Headers.Add("X-Refresh-Cookie", "1");
        using var signedIn = await browser.SendAsync(login);
        var tokens = await signedIn.ReadJsonAsync(HttpStatusCode.OK);
        Assert.False(tokens.TryGetProperty("refreshToken", out _), "The page must never see the refresh token.");
        var cookie = RefreshCookieOf(signedIn);
        Assert.Contains("httponly", cookie.Attributes);
        Assert.Contains("secure", cookie.Attributes);
        Assert.Contains("samesite=strict", cookie.Attributes);
        Assert.Contains("path=/api/auth", cookie.Attributes);

        // The page spends the cookie for a new access token and a rotated cookie.
        using var renewed = await RefreshWithCookieAsync(browser, cookie.Value, header: true, origin: null);
        Assert.False(string.IsNullOrEmpty((await renewed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()));
        var rotated = RefreshCookieOf(renewed).Value;
        Assert.NotEqual(cookie.Value, rotated);

        // Another site can neither send the header without a preflight it fails, nor pass as this origin.
        using (var withoutHeader = await RefreshWithCookieAsync(browser, rotated, header: false, origin: "https://evil.example"))
        {
            await withoutHeader.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var foreign = await RefreshWithCookieAsync(browser, rotated, header: true, origin: "https://evil.example"))
        {
            await foreign.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/auth/refresh", UriKind.Relative));
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-refresh-cookie");
        using (var refused = await browser.SendAsync(preflight))
        {
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        }

        // The cookie still works for the page itself, and signing out clears it.
        using (var again = await RefreshWithCookieAsync(browser, rotated, header: true, origin: $"http://localhost"))
        {
            rotated = RefreshCookieOf(again).Value;
        }

        using var logout = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/logout", UriKind.Relative))
        {
            Content = new StringContent("", Encoding.UTF8, "application/json"),
        };
        logout.Headers.Add("X-Refresh-Cookie", "1");
        logout.Headers.Add("Cookie", $"mb_refresh={rotated}");
        using (var signedOut = await browser.SendAsync(logout))
        {
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
            Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mb_refresh=;", StringComparison.Ordinal));
        }

        using var after = await RefreshWithCookieAsync(browser, rotated, header: true, origin: null);
        await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static async Task<HttpResponseMessage> RefreshWithCookieAsync(HttpClient client, string cookie, bool header, string? origin)
    {
        // A JSON request without a body: the token is the cookie.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/refresh", UriKind.Relative))
        {
            Content = new StringContent("", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", $"mb_refresh={cookie}");
        if (header)
        {
            request.Headers.Add("X-Refresh-Cookie", "1");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    private static (string Value, string[] Attributes) RefreshCookieOf(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mb_refresh=", StringComparison.Ordinal));
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        return (parts[0]["mb_refresh=".Length..], [.. parts.Skip(1).Select(p => p.ToLowerInvariant())]);
    }

    [Fact]
    public async Task Failed_sign_ins_slow_the_guessing_address_exponentially_and_never_the_owner_elsewhere()
    {
        await _client.RegisterAsync("target@example.com", "Target#2026");
        using var attacker = ClientAt("203.0.113.66");
        using var owner = ClientAt("198.51.100.7");
        foreach (var email in new[] { "target@example.com", "ghost@example.com" })
        {
            // Five free guesses from the attacker's address, each a plain 401.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                await SignInAsync(attacker, email, $"Guess#{attempt}", HttpStatusCode.Unauthorized);
            }

            // Then a wait, even with the right password and whether or not the account exists.
            Assert.Equal(1, await RefusedForSecondsAsync(attacker, email, "Target#2026"));
        }

        // The owner, from their own device, is not held up by the stranger's failures.
        await SignInAsync(owner, "target@example.com", "Target#2026", HttpStatusCode.OK);

        // Each further failure doubles the wait.
        var waits = new List<int>();
        for (var guess = 0; guess < 4; guess++)
        {
            _app.Time.Advance(TimeSpan.FromSeconds(waits.LastOrDefault(1)));
            await SignInAsync(attacker, "target@example.com", $"Again#{guess}", HttpStatusCode.Unauthorized);
            waits.Add(await RefusedForSecondsAsync(attacker, "target@example.com", "Target#2026"));
        }

        Assert.Equal([2, 4, 8, 16], waits);
        _app.Time.Advance(TimeSpan.FromSeconds(16));
        await SignInAsync(attacker, "target@example.com", "Target#2026", HttpStatusCode.OK);
        // A success clears that address's failures for the account.
        await SignInAsync(attacker, "target@example.com", "Wrong#1", HttpStatusCode.Unauthorized);
        await SignInAsync(attacker, "target@example.com", "Target#2026", HttpStatusCode.OK);
    }

    [Fact]
    public async Task One_address_failing_across_many_accounts_hits_a_hard_limit_that_others_do_not()
    {
        using var sprayer = ClientAt("203.0.113.99");
        for (var account = 0; account < 100; account++)
        {
            await SignInAsync(sprayer, $"spray-{account}@example.com", "Summer#2026", HttpStatusCode.Unauthorized);
        }

        using var refused = await sprayer.PostJsonAsync("/api/auth/login", new { email = Accounts.UserEmail, password = Accounts.UserPassword });
        var problem = await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("this address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);

        using var someoneElse = ClientAt("198.51.100.8");
        await SignInAsync(someoneElse, Accounts.UserEmail, Accounts.UserPassword, HttpStatusCode.OK);

        _app.Time.Advance(TimeSpan.FromHours(1));
        await SignInAsync(sprayer, Accounts.UserEmail, Accounts.UserPassword, HttpStatusCode.OK);
    }

    /// <summary>A client whose requests come through a proxy on this machine, which forwards the given address.</summary>
    private HttpClient ClientAt(string address)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static async Task SignInAsync(HttpClient client, string email, string password, HttpStatusCode expected)
    {
        using var response = await client.PostJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<int> RefusedForSecondsAsync(HttpClient client, string email, string password)
    {
        using var refused = await client.PostJsonAsync("/api/auth/login", new { email, password });
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        return int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_demo_accounts_sign_in_with_their_roles()
    {
        foreach (var (email, password, role) in new[]
        {
            (Accounts.AdminEmail, Accounts.AdminPassword, "Admin"),
            (Accounts.OwnerEmail, Accounts.OwnerPassword, "TheatreOwner"),
            (Accounts.UserEmail, Accounts.UserPassword, "User"),
        })
        {
            using var client = await _app.SignedInClientAsync(email, password);
            Assert.Equal(role, (await client.GetJsonAsync("/api/users/me")).GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task An_admin_changes_roles_and_the_new_role_applies_from_the_next_token()
    {
        var id = await _client.RegisterAsync("promote@example.com", "Promote#2026");
        using var admin = await _app.SignedInClientAsync(Accounts.AdminEmail, Accounts.AdminPassword);

        using var changed = await admin.PutJsonAsync($"/api/users/{id}/role", new { role = "TheatreOwner" });
        Assert.Equal("TheatreOwner", (await changed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("role").GetString());
        using var promoted = await _app.SignedInClientAsync("promote@example.com", "Promote#2026");
        Assert.Equal("TheatreOwner", (await promoted.GetJsonAsync("/api/users/me")).GetProperty("role").GetString());

        using var unknown = await admin.PutJsonAsync($"/api/users/{Guid.CreateVersion7()}/role", new { role = "Admin" });
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        using var badRole = await admin.PutJsonAsync($"/api/users/{id}/role", new { role = "Emperor" });
        await badRole.ReadProblemAsync(HttpStatusCode.BadRequest);
        using var noRole = await admin.PutJsonAsync($"/api/users/{id}/role", new { });
        await AssertFieldErrorAsync(noRole, "role");
    }

    [Fact]
    public async Task The_last_admin_cannot_be_demoted()
    {
        using var admin = await _app.SignedInClientAsync(Accounts.AdminEmail, Accounts.AdminPassword);
        var adminId = (await admin.GetJsonAsync("/api/users/me")).GetProperty("id").GetString();

        using var demote = await admin.PutJsonAsync($"/api/users/{adminId}/role", new { role = "User" });
        await demote.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    private async Task<JsonElement> RefreshAsync(string refreshToken, HttpStatusCode expected)
    {
        using var response = await _client.PostJsonAsync("/api/auth/refresh", new { refreshToken });
        return expected == HttpStatusCode.OK ? await response.ReadJsonAsync(expected) : await response.ReadProblemAsync(expected);
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(field, fields);
    }
}

public sealed class SqliteAccountsApiTests(SqliteAppFixture fixture) : AccountsApiTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresAccountsApiTests(PostgresAppFixture fixture) : AccountsApiTests(fixture), IClassFixture<PostgresAppFixture>;
