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
