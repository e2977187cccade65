namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// The secrets published in <c>appsettings.Development.json</c>. Anyone can read them, so outside Development the
/// service refuses to start with any of them.
/// </summary>
public static class DevelopmentSecrets
{
    public const string JwtSigningKey = "DEVELOPMENT-ONLY-signing-key--not-a-secret--set-Jwt__SigningKey-in-production";
    public const string SandboxKeySecret = "sandbox-development-key-secret";
    public const string SandboxWebhookSecret = "sandbox-development-webhook-secret";

    private static readonly string[] All = [JwtSigningKey, SandboxKeySecret, SandboxWebhookSecret];

    public static bool IsPublished(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);

    /// <summary>The failure message for a published secret found outside Development, or null.</summary>
    public static string? Refuse(IHostEnvironment environment, params (string Key, string? Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.IsDevelopment())
        {
            return null;
        }

        var published = settings.Where(s => IsPublished(s.Value)).Select(s => s.Key).ToList();
        return published.Count == 0
            ? null
            : $"{string.Join(", ", published)} is the published development secret; outside Development set a secret of your own.";
    }
}
