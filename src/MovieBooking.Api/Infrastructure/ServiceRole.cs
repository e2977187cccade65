namespace MovieBooking.Api.Infrastructure;

/// <summary>What one process of the service does; every role runs the same build.</summary>
public enum ServiceRole
{
    /// <summary>The API and the web app, with every background job (the outbox's sending too, unless turned off).</summary>
    Api,

    /// <summary>Only sends the notification outbox: no API, no web app, no other job; health endpoints for the orchestrator.</summary>
    Worker,
}

public static class ServiceRoles
{
    /// <summary>The setting naming the role: <c>Role=Api</c> (the default) or <c>Role=Worker</c>.</summary>
    public const string Setting = "Role";

    public static ServiceRole Role(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = builder.Configuration[Setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return ServiceRole.Api;
        }

        return Enum.TryParse<ServiceRole>(value, ignoreCase: true, out var role) && Enum.IsDefined(role)
            ? role
            : throw new SettingException($"Role must be Api or Worker, not '{value}'.");
    }

    /// <summary>Whether this process runs the background jobs that serve the API (expiry, reconciliation, streams, revocations).</summary>
    public static bool ServesApi(this IHostApplicationBuilder builder) => builder.Role() == ServiceRole.Api;
}
