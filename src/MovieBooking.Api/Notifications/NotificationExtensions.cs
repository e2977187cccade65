using Microsoft.Extensions.Options;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Notifications;

public static class NotificationExtensions
{
    /// <summary>
    /// The outbox's dispatcher (hosted unless <c>Notifications:Dispatch</c> is false); email: SMTP when
    /// <c>Notifications:Email:SmtpHost</c> is set, otherwise .eml files under <c>Notifications:Email:PickupDirectory</c>;
    /// SMS: Twilio with <c>Notifications:Sms:Provider=twilio</c>, otherwise the log.
    /// </summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EmailTemplates>();
        services.AddScoped<NotificationComposer>();
        services.AddSingleton<SmtpEmailTransport>();
        services.AddSingleton<PickupDirectoryTransport>();
        services.AddSingleton<IEmailTransport>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.SmtpHost)
            ? sp.GetRequiredService<PickupDirectoryTransport>()
            : sp.GetRequiredService<SmtpEmailTransport>());
        services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<TwilioBaseAddress>();
        services.AddHttpClient(TwilioSmsSender.HttpClientName).AddHttpMessageHandler<TwilioBaseAddress>();
        services.AddSingleton<LogSmsSender>();
        services.AddSingleton<TwilioSmsSender>();
        services.AddSingleton<ISmsSender>(sp => sp.GetRequiredService<IOptions<SmsOptions>>().Value.Provider == "twilio"
            ? sp.GetRequiredService<TwilioSmsSender>()
            : sp.GetRequiredService<LogSmsSender>());
        services.AddSingleton<NotificationDispatcher>();
        var dispatch = builder.Configuration.GetValue($"{NotificationOptions.Section}:{nameof(NotificationOptions.Dispatch)}", true);
        if (builder.Role() == ServiceRole.Worker && !dispatch)
        {
            throw new SettingException("Role=Worker only sends notifications; Notifications:Dispatch=false would leave it nothing to do.");
        }

        if (dispatch)
        {
            services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        }

        return builder;
    }
}
