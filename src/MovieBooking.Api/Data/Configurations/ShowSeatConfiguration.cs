using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class ShowSeatConfiguration : IEntityTypeConfiguration<ShowSeat>
{
    public void Configure(EntityTypeBuilder<ShowSeat> seat)
    {
        seat.HasKey(s => new { s.ShowId, s.SeatId });
        seat.Property(s => s.SeatId).HasMaxLength(8);
        seat.Property(s => s.Row).HasMaxLength(4);
        seat.Property(s => s.Column).HasColumnName("column_number");
        seat.HasOne<Show>().WithMany().HasForeignKey(s => s.ShowId).OnDelete(DeleteBehavior.Cascade);
        seat.HasIndex(s => s.HoldId);
        seat.ToTable(t =>
        {
            t.HasCheckConstraint("ck_show_seats_status", $"status IN ({UpperSnakeCaseEnumConverter<SeatStatus>.SqlList})");
            t.HasCheckConstraint("ck_show_seats_category", $"category IN ({UpperSnakeCaseEnumConverter<SeatCategory>.SqlList})");
            // A held seat names its hold and expiry; a booked seat names its booking.
            t.HasCheckConstraint("ck_show_seats_hold", "status <> 'HELD' OR (hold_id IS NOT NULL AND hold_expires_at IS NOT NULL)");
            t.HasCheckConstraint("ck_show_seats_booking", "status <> 'BOOKED' OR booking_id IS NOT NULL");
        });
    }
}
