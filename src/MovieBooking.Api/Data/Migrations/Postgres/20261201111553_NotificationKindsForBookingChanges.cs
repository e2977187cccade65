using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NotificationKindsForBookingChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications");

            migrationBuilder.AddCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications",
                sql: "kind IN ('BOOKING_CONFIRMED', 'SHOW_REMINDER', 'PAYMENT_FAILED', 'BOOKING_EXPIRED', 'BOOKING_CANCELLED', 'SHOW_CANCELLED', 'REFUND_COMPLETED')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications");

            migrationBuilder.AddCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications",
                sql: "kind IN ('BOOKING_CONFIRMED', 'SHOW_REMINDER')");
        }
    }
}
