using MovieBooking.Api.Data;
using MovieBooking.Api.Food;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Invoices;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Bookings;

public static class BookingExtensions
{
    /// <summary>Seat holds (the database store, or Redis when configured), bookings and their expiry.</summary>
    public static WebApplicationBuilder AddBookings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BookingOptions>()
            .BindConfiguration(BookingOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.MaxHold >= o.HoldTtl, "Booking:MaxHold must be at least Booking:HoldTtl.")
            .ValidateOnStart();
        services.AddOptions<CancellationOptions>()
            .BindConfiguration(CancellationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<TaxOptions>()
            .BindConfiguration(TaxOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<ShowFactsCache>();
        services.AddSingleton<SeatSelection>();
        services.AddSingleton<SeatMapCache>();
        services.AddSingleton<SeatChangeFeed>();
        services.AddScoped<SeatMapReader>();
        // Seat-map snapshots may come from the read replica; the live stream's snapshots and staff's door lists do not.
        services.AddKeyedScoped<SeatMapReader>(ReadReplica.Key, (sp, key) =>
            new SeatMapReader(sp.GetRequiredKeyedService<MovieBookingDb>(key), sp.GetRequiredService<IHoldStore>()));
        services.AddSingleton<WriteGate>();
        services.AddSingleton<SqliteGroupCommit>();
        services.AddSingleton<PostgresPipeline>();
        if (builder.Configuration.IsRedisConfigured())
        {
            services.AddSingleton<IHoldStore, RedisHoldStore>();
        }
        else
        {
            services.AddScoped<IHoldStore, DatabaseHoldStore>();
        }

        services.AddScoped<BookingService>();
        services.AddScoped<OfferService>();
        services.AddScoped<BookingPricing>();
        services.AddScoped<CancellationQuotes>();
        services.AddScoped<FoodService>();
        services.AddScoped<IdempotencyFilter>();
        services.AddSingleton<BookingExpiryService>();
        if (builder.ServesApi())
        {
            services.AddHostedService(sp => sp.GetRequiredService<BookingExpiryService>());
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapBookingApis(this IEndpointRouteBuilder routes)
    {
        routes.MapHoldsApi();
        routes.MapBookingsApi();
        routes.MapOffersApi();
        routes.MapMenuApi();
        routes.MapInvoicesApi();
        return routes;
    }
}
