using System.ComponentModel.DataAnnotations;

namespace MovieBooking.Api.Bookings;

/// <summary>Bound from <c>Booking</c>.</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>How long seats stay held for a user before anyone may take them again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Booking:HoldTtl must be between 00:00:01 and 01:00:00.")]
    public TimeSpan HoldTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How much longer a booking's seats stay held once its customer starts paying (once per booking).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Booking:PaymentExtension must be between 00:00:00 and 01:00:00.")]
    public TimeSpan PaymentExtension { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest seats stay held, counted from the hold, extension included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00", ErrorMessage = "Booking:MaxHold must be between 00:00:01 and 02:00:00.")]
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Seats one user may hold (in holds and unpaid bookings) of one show at a time.</summary>
    [Range(1, 10, ErrorMessage = "Booking:MaxSeatsPerUser must be between 1 and 10.")]
    public int MaxSeatsPerUser { get; set; } = 10;

    /// <summary>Convenience fee per ticket, in minor units.</summary>
    [Range(0, 100_000, ErrorMessage = "Booking:ConvenienceFeePerTicket must be between 0 and 100000 (minor units).")]
    public long ConvenienceFeePerTicket { get; set; } = 2_000;

    /// <summary>Convenience fee as a percentage of the seat total, added to the per-ticket fee.</summary>
    [Range(typeof(decimal), "0", "50", ErrorMessage = "Booking:ConvenienceFeePercent must be between 0 and 50.")]
    public decimal ConvenienceFeePercent { get; set; } = 1.5m;

    /// <summary>Food and drink one booking may take, counting each item's quantity.</summary>
    [Range(0, 50, ErrorMessage = "Booking:MaxFoodPerBooking must be between 0 and 50.")]
    public int MaxFoodPerBooking { get; set; } = 10;

    /// <summary>How often the expiry sweeper looks for unpaid bookings past their expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Booking:SweepInterval must be between 00:00:01 and 00:10:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
