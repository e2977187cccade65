using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace MovieBooking.Api.Notifications;

/// <summary>Bound from <c>Notifications:Sms</c>: <c>log</c> writes messages to the log; <c>twilio</c> sends them.</summary>
public sealed class SmsOptions : IValidatableObject
{
    public const string Section = "Notifications:Sms";

    public string Provider { get; set; } = "log";

    public TwilioSettings Twilio { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider is not ("log" or "twilio"))
        {
            yield return new ValidationResult("Notifications:Sms:Provider must be log or twilio.");
        }
        else if (Provider == "twilio"
            && (string.IsNullOrWhiteSpace(Twilio.AccountSid) || string.IsNullOrWhiteSpace(Twilio.AuthToken) || string.IsNullOrWhiteSpace(Twilio.From)))
        {
            yield return new ValidationResult("Notifications:Sms:Twilio:AccountSid, AuthToken and From are required with the twilio provider.");
        }
    }
}

public sealed class TwilioSettings
{
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164) or messaging service's sender.</summary>
    public string? From { get; set; }

    /// <summary>Another address for Twilio's REST API (a regional edge, or a stand-in in tests); Twilio's own by default.</summary>
    public Uri? ApiBaseUrl { get; set; }
}

public sealed record SmsMessage(string To, string Text);

/// <summary>Where text messages go.</summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>Writes each message to the log, for development and for deployments without an SMS provider.</summary>
public sealed partial class LogSmsSender(ILogger<LogSmsSender> logger) : ISmsSender
{
    public Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogSms(logger, message.To, message.Text);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS to {To}: {Text}")]
    private static partial void LogSms(ILogger logger, string to, string text);
}

/// <summary>Sends through Twilio's Messages API with the Twilio library, over this service's HTTP client.</summary>
public sealed class TwilioSmsSender(IOptions<SmsOptions> options, IHttpClientFactory clients) : ISmsSender
{
    public const string HttpClientName = "twilio";

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.Value.Twilio;
        var client = new TwilioRestClient(settings.AccountSid, settings.AuthToken, httpClient: new SystemNetHttpClient(clients.CreateClient(HttpClientName)));
        await MessageResource.CreateAsync(to: new PhoneNumber(message.To), from: new PhoneNumber(settings.From), body: message.Text, client: client);
    }
}

/// <summary>Sends Twilio's requests to <see cref="TwilioSettings.ApiBaseUrl"/> instead of api.twilio.com.</summary>
public sealed class TwilioBaseAddress(IOptions<SmsOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.Twilio.ApiBaseUrl is { } target && request.RequestUri is { } uri)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
