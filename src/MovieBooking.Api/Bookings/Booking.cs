using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Bookings;

/// <summary>Seats of one show bought (or being bought) by one user, made from one hold.</summary>
public sealed class Booking
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid UserId { get; init; }
    public Guid ShowId { get; init; }

    /// <summary>The hold the booking was made from; unique, so one hold makes at most one booking.</summary>
    public Guid HoldId { get; init; }

    public BookingStatus Status { get; set; } = BookingStatus.PendingPayment;
    public required string Currency { get; init; }

    /// <summary>The tickets at their listed prices.</summary>
    public long SeatTotal { get; set; }

    /// <summary>What an offer takes off the tickets.</summary>
    public long Discount { get; set; }

    /// <summary>Food and drink, their tax included.</summary>
    public long Food { get; set; }

    public long ConvenienceFee { get; set; }

    /// <summary>GST on the convenience fee, added to it.</summary>
    public long Tax { get; set; }

    /// <summary>GST included in the tickets' and the food's prices (for the invoice; not added).</summary>
    public long TaxIncluded { get; set; }

    /// <summary>What the customer pays: tickets less the discount, food, the fee and its tax.</summary>
    public long Total { get; set; }

    /// <summary>The offer code applied to the booking, if any; it counts as redeemed while the booking does (see <c>OfferService</c>).</summary>
    public Guid? OfferId { get; set; }

    public string? OfferCode { get; set; }

    /// <summary>The priced lines, kept as they were priced, for the breakdown and the tax invoice.</summary>
    public List<PriceLine> Lines { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When an unpaid booking lapses and its seats are freed (the hold's expiry, extended once a payment starts).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Whether starting a payment has extended the hold (it does so once).</summary>
    public bool HoldExtended { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The payment that confirmed the booking, or whose money it owes back when it could not be sold.</summary>
    public Guid? PaymentId { get; set; }

    /// <summary>When its customer or its show's theatre cancelled it; a repeated cancellation answers the same.</summary>
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>What is (or was) paid back, in minor units, once a paid booking is cancelled or could not be sold.</summary>
    public long? RefundAmount { get; set; }

    public string? RefundReason { get; set; }

    /// <summary>The tier of the cancellation policy a customer's cancellation was refunded by.</summary>
    public CancellationTier? CancellationTier { get; set; }
    public List<BookingSeat> Seats { get; init; } = [];

    /// <summary>Food and drink ordered with the booking.</summary>
    public List<Food.BookingFood> FoodItems { get; init; } = [];

    /// <summary>Sets every amount from a quote.</summary>
    public void Price(PriceQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        (SeatTotal, Discount, Food, ConvenienceFee, Tax, TaxIncluded, Total) =
            (quote.Seats, quote.Discount, quote.Food, quote.ConvenienceFee, quote.FeeTax, quote.TaxIncluded, quote.Total);
        Lines = [.. quote.Lines];
    }
}

/// <summary>
/// One seat of a booking with the price it was sold at. <see cref="Sold"/> is true while the booking holds the sale;
/// a unique index over (show, seat) among sold rows makes selling a seat twice impossible.
/// </summary>
public sealed class BookingSeat
{
    public Guid BookingId { get; init; }
    public Guid ShowId { get; init; }
    public required string SeatId { get; init; }
    public long Price { get; init; }
    public bool Sold { get; set; }
}

public enum BookingStatus
{
    PendingPayment,
    Confirmed,
    Failed,
    Expired,
    Cancelled,
    Refunded,
}
