namespace MovieBooking.Api.Bookings;

/// <summary>The booking lifecycle: which status may follow which.</summary>
public static class BookingLifecycle
{
    private static readonly Dictionary<BookingStatus, BookingStatus[]> Next = new()
    {
        // A captured payment whose seats could not be sold is refunded.
        [BookingStatus.PendingPayment] = [BookingStatus.Confirmed, BookingStatus.Failed, BookingStatus.Expired, BookingStatus.Cancelled],
        [BookingStatus.Confirmed] = [BookingStatus.Cancelled],
        // A cancelled unpaid booking may still be paid late; a cancelled booking owing a refund is REFUNDED once it is made.
        [BookingStatus.Cancelled] = [BookingStatus.Refunded, BookingStatus.Confirmed],
        // A payment captured after expiry or a failed attempt confirms the booking (seats still free), or the booking is
        // cancelled owing it back.
        [BookingStatus.Expired] = [BookingStatus.Confirmed, BookingStatus.Cancelled],
        [BookingStatus.Failed] = [BookingStatus.Confirmed, BookingStatus.Cancelled],
        [BookingStatus.Refunded] = [],
    };

    public static bool CanMove(BookingStatus from, BookingStatus to) => Next[from].Contains(to);
}

/// <summary>Seat prices plus a convenience fee (per ticket plus a share of the seat total) and GST on the fee.</summary>
public sealed record PriceBreakdown(string Currency, long Seats, long ConvenienceFee, long Tax, long Total)
{
    public static PriceBreakdown For(IReadOnlyCollection<long> seatPrices, string currency, BookingOptions options)
    {
        ArgumentNullException.ThrowIfNull(seatPrices);
        ArgumentNullException.ThrowIfNull(options);
        var seats = seatPrices.Sum();
        var fee = options.ConvenienceFeePerTicket * seatPrices.Count + RoundHalfUp(seats * options.ConvenienceFeePercent / 100m);
        var tax = RoundHalfUp(fee * options.GstPercent / 100m);
        return new PriceBreakdown(currency, seats, fee, tax, seats + fee + tax);
    }

    /// <summary>Minor units are whole; half a paisa rounds up, as invoices do.</summary>
    private static long RoundHalfUp(decimal amount) => (long)decimal.Round(amount, 0, MidpointRounding.AwayFromZero);
}
