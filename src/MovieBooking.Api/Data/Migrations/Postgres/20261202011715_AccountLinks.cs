using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccountLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "email_confirmed_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "account_link_id",
                table: "notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_links",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_links", x => x.id);
                    table.CheckConstraint("ck_account_links_purpose", "purpose IN ('CONFIRM_EMAIL', 'RESET_PASSWORD')");
                    table.ForeignKey(
                        name: "fk_account_links_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_account_link_id",
                table: "notifications",
                column: "account_link_id");

            migrationBuilder.AddCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications",
                sql: "kind IN ('BOOKING_CONFIRMED', 'SHOW_REMINDER', 'PAYMENT_FAILED', 'BOOKING_EXPIRED', 'BOOKING_CANCELLED', 'SHOW_CANCELLED', 'REFUND_COMPLETED', 'CONFIRM_EMAIL', 'PASSWORD_RESET', 'REGISTRATION_ATTEMPT')");

            migrationBuilder.CreateIndex(
                name: "ix_account_links_user_id_purpose_created_at",
                table: "account_links",
                columns: new[] { "user_id", "purpose", "created_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_notifications_account_links_account_link_id",
                table: "notifications",
                column: "account_link_id",
                principalTable: "account_links",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_notifications_account_links_account_link_id",
                table: "notifications");

            migrationBuilder.DropTable(
                name: "account_links");

            migrationBuilder.DropIndex(
                name: "ix_notifications_account_link_id",
                table: "notifications");

            migrationBuilder.DropCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "email_confirmed_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "account_link_id",
                table: "notifications");

            migrationBuilder.AddCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications",
                sql: "kind IN ('BOOKING_CONFIRMED', 'SHOW_REMINDER', 'PAYMENT_FAILED', 'BOOKING_EXPIRED', 'BOOKING_CANCELLED', 'SHOW_CANCELLED', 'REFUND_COMPLETED')");
        }
    }
}
