using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>Attaches a bearer token to every request, so test clients go through the real JWT pipeline.</summary>
public sealed class BearerTokenHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Signs in with an account's credentials and attaches the access token, signing in again when the test clock has
/// moved past the token's lifetime, so long-lived test clients survive tests that advance time.
/// </summary>
public sealed class SignedInHandler(MovieBookingApp app, string email, string password) : DelegatingHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<string> TokenAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_token is null || app.Time.GetUtcNow() >= _renewAt)
            {
                using var anonymous = app.CreateClient();
                var tokens = await anonymous.LoginAsync(email, password);
                _token = tokens.GetProperty("accessToken").GetString()!;
                _renewAt = app.Time.GetUtcNow().AddSeconds(tokens.GetProperty("expiresIn").GetInt32() / 2);
            }

            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class Accounts
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin#2026";
    public const string OwnerEmail = "owner@example.com";
    public const string OwnerPassword = "Owner#2026";
    public const string UserEmail = "user@example.com";
    public const string UserPassword = "User#2026";

    public static async Task<JsonElement> LoginAsync(this HttpClient client, string email, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>A client signed in as the given account (signed in now, and again whenever its token would expire).</summary>
    public static async Task<HttpClient> SignedInClientAsync(this MovieBookingApp app, string email, string password)
    {
        var client = app.CreateDefaultClient(new SignedInHandler(app, email, password));
        using var check = await client.GetAsync(new Uri("/api/users/me", UriKind.Relative));
        check.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Registers a new account and returns its id.</summary>
    public static async Task<string> RegisterAsync(this HttpClient client, string email, string password = "Secret#123", string name = "Test Person")
    {
        using var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password, name });
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        await client.PostAsJsonAsync(new Uri(url, UriKind.Relative), body, HttpAssertions.Json);

    public static async Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        await client.PutAsJsonAsync(new Uri(url, UriKind.Relative), body, HttpAssertions.Json);

    /// <summary>Sends JSON exactly as written, for bodies no C# object would produce.</summary>
    public static async Task<HttpResponseMessage> PutRawJsonAsync(this HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await client.PutAsync(new Uri(url, UriKind.Relative), content);
    }
}
