using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MovieBooking.Api.Notifications;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Notifications;

/// <summary>Emails about the account: confirming the address, resetting the password, a registration with a taken address.</summary>
public abstract partial class NotificationsTests<TFixture>
{
    private const string Password = "Popcorn#2026";

    [Fact]
    public async Task A_new_account_books_at_once_and_confirms_its_address_through_the_emailed_link()
    {
        var email = $"new-{Guid.NewGuid():N}@example.com";
        await fixture.Client.RegisterAsync(email, Password, "Asha Rao");
        var shopper = await _app.SignedInClientAsync(email, Password);
        Assert.False((await shopper.GetJsonAsync("/api/users/me")).GetProperty("emailConfirmed").GetBoolean());
        // Not confirmed yet, and booking does not wait for it.
        var (show, _) = await FreshShowAsync();
        await HoldAsync(shopper, show, "C6");

        await DispatchAllAsync();
        var message = Assert.Single(Smtp.To(email));
        Assert.Equal("Confirm your email address", message.Subject);
        Assert.Contains("Hello Asha Rao,", message.TextBody, StringComparison.Ordinal);
        var token = LinkToken(message, "confirm-email");
        Assert.Contains($"https://tickets.example.com/confirm-email#token={token}", WebUtility.HtmlDecode(message.HtmlBody), StringComparison.Ordinal);

        using (var confirmed = await fixture.Client.PostJsonAsync("/api/auth/confirm-email", new { token }))
        {
            Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        }

        Assert.True((await shopper.GetJsonAsync("/api/users/me")).GetProperty("emailConfirmed").GetBoolean());
        // Opened again (a second click, a mail scanner), the link finds its work done.
        using (var again = await fixture.Client.PostJsonAsync("/api/auth/confirm-email", new { token }))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        using var resend = await shopper.PostJsonAsync("/api/auth/confirm-email/resend", new { });
        await resend.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("0123456789abcdef0123456789abcdef.AAAA")]
    public async Task A_forged_or_malformed_link_confirms_nothing_and_names_the_token(string token)
    {
        var email = $"forged-{Guid.NewGuid():N}@example.com";
        await fixture.Client.RegisterAsync(email, Password);
        await DispatchAllAsync();
        var real = LinkToken(Assert.Single(Smtp.To(email)), "confirm-email");
        // The real link's id with another secret is refused too.
        var (id, secret) = (real.Split('.')[0], real.Split('.')[1]);
        var altered = $"{id}.{(secret[0] == 'A' ? 'B' : 'A')}{secret[1..]}";
        foreach (var presented in new[] { token, altered })
        {
            using var response = await fixture.Client.PostJsonAsync("/api/auth/confirm-email", new { token = presented });
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("token", out _), problem.ToString());
        }

        var shopper = await _app.SignedInClientAsync(email, Password);
        Assert.False((await shopper.GetJsonAsync("/api/users/me")).GetProperty("emailConfirmed").GetBoolean());
    }

    [Fact]
    public async Task Registering_a_taken_address_answers_as_a_new_one_and_emails_its_owner_once_an_hour()
    {
        var email = $"taken-{Guid.NewGuid():N}@example.com";
        await fixture.Client.RegisterAsync(email, Password, "Owner");
        await DispatchAllAsync();

        foreach (var attempt in new[] { email.ToUpperInvariant(), email })
        {
            using var response = await fixture.Client.PostJsonAsync("/api/auth/register", new { email = attempt, password = "Stranger#99", name = "Stranger" });
            var answer = await response.ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal(
                ["id", "email", "emailConfirmed", "name", "role", "createdAt", "phone", "reminders"],
                answer.EnumerateObject().Select(p => p.Name));
        }

        await DispatchAllAsync();
        var told = Assert.Single(Smtp.To(email), m => m.Subject == "You already have an account");
        Assert.Contains("Hello Owner,", told.TextBody, StringComparison.Ordinal);
        Assert.Contains("no new account was made", told.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://tickets.example.com/reset-password", told.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Stranger", told.TextBody, StringComparison.Ordinal);
        // Only the owner's confirmation and this one.
        Assert.Equal(2, Smtp.To(email).Count);
        await fixture.Client.LoginAsync(email, Password);
    }

    [Fact]
    public async Task A_password_reset_link_sets_a_new_password_once_and_signs_every_session_out()
    {
        var email = $"reset-{Guid.NewGuid():N}@example.com";
        await fixture.Client.RegisterAsync(email, Password);
        var tokens = await fixture.Client.LoginAsync(email, Password);
        var access = tokens.GetProperty("accessToken").GetString()!;
        var refresh = tokens.GetProperty("refreshToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(access, "/api/users/me"));
        await DispatchAllAsync();

        // Known and unknown addresses get the same answer; only the known one gets mail.
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";
        var answers = new List<string>();
        foreach (var address in new[] { email, unknown })
        {
            using var asked = await fixture.Client.PostJsonAsync("/api/auth/forgot-password", new { email = address });
            answers.Add((await asked.ReadJsonAsync(HttpStatusCode.Accepted)).ToString());
        }

        Assert.Equal(answers[0], answers[1]);
        await DispatchAllAsync();
        Assert.Empty(Smtp.To(unknown));
        var message = Assert.Single(Smtp.To(email), m => m.Subject == "Reset your password");
        var token = LinkToken(message, "reset-password");

        // A weak password is refused and spends nothing.
        using (var weak = await fixture.Client.PostJsonAsync("/api/auth/reset-password", new { token, password = "short" }))
        {
            var problem = await weak.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
        }

        using (var reset = await fixture.Client.PostJsonAsync("/api/auth/reset-password", new { token, password = "Brand#New2026" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        // Every session of the account ends; the new password works, the old does not; the address counts as confirmed.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(access, "/api/users/me"));
        using (var spent = await fixture.Client.PostJsonAsync("/api/auth/refresh", new { refreshToken = refresh }))
        {
            await spent.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var old = await fixture.Client.PostJsonAsync("/api/auth/login", new { email, password = Password }))
        {
            await old.ReadProblemAsync(HttpStatusCode.Unauthorized);
        }

        var signedIn = await _app.SignedInClientAsync(email, "Brand#New2026");
        Assert.True((await signedIn.GetJsonAsync("/api/users/me")).GetProperty("emailConfirmed").GetBoolean());

        // The link works once.
        using var twice = await fixture.Client.PostJsonAsync("/api/auth/reset-password", new { token, password = "Third#Try2026" });
        var refused = await twice.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("token", out _), refused.ToString());
        await fixture.Client.LoginAsync(email, "Brand#New2026");
    }

    [Fact]
    public async Task A_password_reset_link_expires_after_half_an_hour()
    {
        var email = $"late-{Guid.NewGuid():N}@example.com";
        await fixture.Client.RegisterAsync(email, Password);
        using (var asked = await fixture.Client.PostJsonAsync("/api/auth/forgot-password", new { email }))
        {
            await asked.ReadJsonAsync(HttpStatusCode.Accepted);
        }

        await DispatchAllAsync();
        var token = LinkToken(Assert.Single(Smtp.To(email), m => m.Subject == "Reset your password"), "reset-password");
        _app.Time.Advance(TimeSpan.FromMinutes(31));

        using var late = await fixture.Client.PostJsonAsync("/api/auth/reset-password", new { token, password = "Brand#New2026" });
        var problem = await late.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("expired", problem.GetProperty("errors").GetProperty("token")[0].GetString(), StringComparison.Ordinal);
        await fixture.Client.LoginAsync(email, Password);
    }

    private static string LinkToken(MimeMessage message, string page)
    {
        var match = Regex.Match(message.TextBody ?? "", $@"/{page}#token=(?<token>[0-9a-f]{{32}}\.[A-Za-z0-9_-]+)");
        Assert.True(match.Success, message.TextBody);
        return match.Groups["token"].Value;
    }

    private async Task<HttpStatusCode> StatusAsync(string accessToken, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await fixture.Client.SendAsync(request);
        return response.StatusCode;
    }
}
