using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Bookings;

/// <summary>
/// The one rule for what a customer's cancellation gives back, used by the quote, the list of bookings and the
/// cancellation itself: an unpaid booking can be cancelled (nothing to refund); a confirmed one by its theatre's policy
/// (or the default one), the tier chosen by the time left before the show.
/// </summary>
public sealed class CancellationQuotes(MovieBookingDb db, IOptions<CancellationOptions> options, IOptions<PaymentOptions> payments, TimeProvider time)
{
    /// <summary>The policy of the theatre showing the show: its own, or the configured default.</summary>
    public async Task<CancellationPolicy> PolicyForShowAsync(Guid showId, CancellationToken cancellationToken) =>
        await db.Shows.Where(s => s.Id == showId).Select(s => s.Screen!.Theatre!.CancellationPolicy).FirstOrDefaultAsync(cancellationToken)
        ?? options.Value.Policy;

    public CancellationPolicy PolicyOr(CancellationPolicy? own) => own ?? options.Value.Policy;

    public CancellationQuote Quote(
        BookingStatus status, DateTimeOffset startsAt, long seats, long discount, long food, long convenienceFee, long tax, CancellationPolicy policy) =>
        status switch
        {
            BookingStatus.PendingPayment => new CancellationQuote(true, 0, 0, null, null, null),
            BookingStatus.Confirmed => policy.Quote(startsAt, time.GetUtcNow(), seats - discount, food, convenienceFee + tax,
                payments.Value.RefundConvenienceFeeOnCancel),
            _ => new CancellationQuote(false, 0, 0, null, null, $"A booking in status {BookingStatusNames.Of(status)} cannot be cancelled."),
        };

    public CancellationQuote Quote(Booking booking, DateTimeOffset startsAt, CancellationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return Quote(booking.Status, startsAt, booking.SeatTotal, booking.Discount, booking.Food, booking.ConvenienceFee, booking.Tax, policy);
    }
}
