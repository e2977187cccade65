using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>
/// Twilio's Messages API as a local HTTP endpoint (its sandbox is out of reach): it checks the account's Basic
/// credentials, keeps each message's form fields and answers as Twilio does, 201 with the message resource.
/// </summary>
public sealed class TwilioStandIn : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "test-twilio-auth-token";
    public const string From = "+15005550006";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TwilioRequest> _received = new();

    private TwilioStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<TwilioRequest> Received => [.. _received];

    public static async Task<TwilioStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new TwilioStandIn(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (string account, HttpRequest request) =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
            if (account != AccountSid || request.Headers.Authorization != expected)
            {
                return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
            }

            var form = await request.ReadFormAsync();
            var sid = $"SM{Guid.NewGuid():N}";
            standIn._received.Enqueue(new TwilioRequest(form["To"].ToString(), form["From"].ToString(), form["Body"].ToString()));
            return Results.Json(new
            {
                sid,
                account_sid = account,
                to = form["To"].ToString(),
                from = form["From"].ToString(),
                body = form["Body"].ToString(),
                status = "queued",
                direction = "outbound-api",
                num_segments = "1",
                uri = $"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
            }, statusCode: 201);
        });
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return standIn;
    }

    /// <summary>The app's settings for sending SMS through Twilio, here.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Notifications:Sms:Provider"] = "twilio";
        settings["Notifications:Sms:Twilio:AccountSid"] = AccountSid;
        settings["Notifications:Sms:Twilio:AuthToken"] = AuthToken;
        settings["Notifications:Sms:Twilio:From"] = From;
        settings["Notifications:Sms:Twilio:ApiBaseUrl"] = BaseAddress.ToString();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record TwilioRequest(string To, string From, string Body);
