using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Bookings;

/// <summary>Bound from <c>Booking</c>.</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>How long seats stay held for a user before anyone may take them again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Booking:HoldTtl must be between 00:00:01 and 01:00:00.")]
    public TimeSpan HoldTtl { get; set; } = TimeSpan.FromMinutes(5);
}

public static class BookingExtensions
{
    public static WebApplicationBuilder AddBookings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BookingOptions>()
            .BindConfiguration(BookingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
