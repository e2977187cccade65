using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Api.Realtime;

public static class RealtimeExtensions
{
    /// <summary>The live seat map: fanned out in process, or through Redis when it is configured.</summary>
    public static WebApplicationBuilder AddLiveSeatMaps(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SeatStreamOptions>()
            .BindConfiguration(SeatStreamOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (builder.Configuration.IsRedisConfigured())
        {
            services.AddSingleton<RedisSeatBackplane>();
            services.AddSingleton<ISeatBackplane>(sp => sp.GetRequiredService<RedisSeatBackplane>());
            if (builder.ServesApi())
            {
                services.AddHostedService(sp => sp.GetRequiredService<RedisSeatBackplane>());
            }
        }
        else
        {
            services.AddSingleton<ISeatBackplane, LocalSeatBackplane>();
        }

        services.AddSingleton<SeatFeeds>();
        return builder;
    }
}
