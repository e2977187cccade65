namespace MovieBooking.Api.Tickets;

public static class TicketExtensions
{
    /// <summary>The ticket signing key (<c>Tickets:SigningKey</c>; made once under <c>./data/</c> in Development).</summary>
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddOptions<TicketOptions>().BindConfiguration(TicketOptions.Section)
            .PostConfigure<IHostEnvironment>((tickets, environment) =>
            {
                if (string.IsNullOrWhiteSpace(tickets.SigningKey) && environment.IsDevelopment())
                {
                    tickets.SigningKey = DevelopmentKey(Path.GetFullPath(tickets.DevelopmentKeyFile, Directory.GetCurrentDirectory()));
                }
            })
            .Validate(tickets => IsSeed(tickets.SigningKey), "Tickets:SigningKey is required: a base64 Ed25519 private key of 32 bytes.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TicketCode>();
        return services;
    }

    private static bool IsSeed(string? key)
    {
        var buffer = new byte[64];
        return !string.IsNullOrWhiteSpace(key) && Convert.TryFromBase64String(key, buffer, out var length) && length == 32;
    }

    /// <summary>Development only: a key made once and kept next to the development database.</summary>
    private static string DevelopmentKey(string file)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = TicketCode.NewSigningKey();
        File.WriteAllText(file, key);
        return key;
    }
}
