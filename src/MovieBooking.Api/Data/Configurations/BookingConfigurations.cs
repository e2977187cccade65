using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> booking)
    {
        booking.Property(b => b.Currency).HasMaxLength(3).IsFixedLength();
        booking.HasIndex(b => b.HoldId).IsUnique();
        booking.Property(b => b.RefundReason).HasMaxLength(200);
        booking.Property(b => b.Lines).HasConversion(new JsonValueConverter<List<PriceLine>>(), new JsonValueComparer<List<PriceLine>>());
        booking.HasIndex(b => new { b.UserId, b.CreatedAt });
        booking.HasIndex(b => new { b.Status, b.ExpiresAt });
        booking.Property(b => b.OfferCode).HasMaxLength(20);
        booking.Property(b => b.CancellationTier).HasConversion(new JsonValueConverter<CancellationTier?>(), new JsonValueComparer<CancellationTier?>());
        booking.HasIndex(b => b.OfferId);
        booking.HasOne<Offer>().WithMany().HasForeignKey(b => b.OfferId).OnDelete(DeleteBehavior.Restrict);
        booking.HasOne<User>().WithMany().HasForeignKey(b => b.UserId).OnDelete(DeleteBehavior.Restrict);
        booking.HasOne<Show>().WithMany().HasForeignKey(b => b.ShowId).OnDelete(DeleteBehavior.Restrict);
        booking.HasMany(b => b.Seats).WithOne().HasForeignKey(s => s.BookingId).OnDelete(DeleteBehavior.Cascade);
        booking.ToTable(t =>
        {
            t.HasCheckConstraint("ck_bookings_status", $"status IN ({UpperSnakeCaseEnumConverter<BookingStatus>.SqlList})");
            t.HasCheckConstraint("ck_bookings_amounts",
                "seat_total >= 0 AND discount >= 0 AND discount <= seat_total AND food >= 0 AND convenience_fee >= 0 AND tax >= 0 "
                + "AND tax_included >= 0 AND total = seat_total - discount + food + convenience_fee + tax");
            t.HasCheckConstraint("ck_bookings_refund", "refund_amount IS NULL OR (refund_amount >= 0 AND refund_amount <= total)");
        });
    }
}

internal sealed class BookingSeatConfiguration : IEntityTypeConfiguration<BookingSeat>
{
    public void Configure(EntityTypeBuilder<BookingSeat> seat)
    {
        seat.HasKey(s => new { s.BookingId, s.SeatId });
        seat.Property(s => s.SeatId).HasMaxLength(8);
        // At most one sold row per (show, seat): a double sale cannot be stored, whatever the code above it does.
        seat.HasIndex(s => new { s.ShowId, s.SeatId }).IsUnique().HasFilter("sold").HasDatabaseName("ux_booking_seats_sold");
        seat.ToTable(t => t.HasCheckConstraint("ck_booking_seats_price", "price >= 0"));
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> record)
    {
        record.HasKey(r => new { r.UserId, r.Key });
        record.Property(r => r.Key).HasMaxLength(200);
        record.Property(r => r.RequestHash).HasMaxLength(64);
        record.Property(r => r.Location).HasMaxLength(500);
        record.HasIndex(r => r.ExpiresAt);
    }
}
