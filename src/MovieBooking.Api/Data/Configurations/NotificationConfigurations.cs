using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Notifications;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        notification.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        notification.HasOne<Booking>().WithMany().HasForeignKey(n => n.BookingId).OnDelete(DeleteBehavior.Cascade);
        notification.HasOne<AccountLink>().WithMany().HasForeignKey(n => n.AccountLinkId).OnDelete(DeleteBehavior.Cascade);
        notification.Property(n => n.LastError).HasMaxLength(500);
        // The dispatcher's query: what is pending and due, oldest first.
        notification.HasIndex(n => new { n.Status, n.DueAt });
        notification.ToTable(t =>
        {
            t.HasCheckConstraint("ck_notifications_kind", $"kind IN ({UpperSnakeCaseEnumConverter<NotificationKind>.SqlList})");
            t.HasCheckConstraint("ck_notifications_channel", $"channel IN ({UpperSnakeCaseEnumConverter<NotificationChannel>.SqlList})");
            t.HasCheckConstraint("ck_notifications_status", $"status IN ({UpperSnakeCaseEnumConverter<NotificationStatus>.SqlList})");
        });
    }
}
