using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OfferCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "offer_code",
                table: "bookings",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "offer_id",
                table: "bookings",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "offers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    discount = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    percent = table.Column<decimal>(type: "numeric(5,2)", precision: 5, scale: 2, nullable: true),
                    cap = table.Column<long>(type: "bigint", nullable: true),
                    amount = table.Column<long>(type: "bigint", nullable: true),
                    min_tickets = table.Column<int>(type: "integer", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    scope = table.Column<string>(type: "text", nullable: false),
                    total_limit = table.Column<int>(type: "integer", nullable: true),
                    per_user_limit = table.Column<int>(type: "integer", nullable: true),
                    paused = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_offers", x => x.id);
                    table.CheckConstraint("ck_offers_discount", "discount IN ('PERCENT', 'AMOUNT', 'FIXED_PRICE')");
                    table.CheckConstraint("ck_offers_terms", "valid_until > valid_from AND min_tickets >= 1 AND (total_limit IS NULL OR total_limit >= 1) AND (per_user_limit IS NULL OR per_user_limit >= 1)");
                    table.ForeignKey(
                        name: "fk_offers_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_bookings_offer_id",
                table: "bookings",
                column: "offer_id");

            migrationBuilder.CreateIndex(
                name: "ix_offers_code",
                table: "offers",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_offers_owner_id",
                table: "offers",
                column: "owner_id");

            migrationBuilder.AddForeignKey(
                name: "fk_bookings_offers_offer_id",
                table: "bookings",
                column: "offer_id",
                principalTable: "offers",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_bookings_offers_offer_id",
                table: "bookings");

            migrationBuilder.DropTable(
                name: "offers");

            migrationBuilder.DropIndex(
                name: "ix_bookings_offer_id",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "offer_code",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "offer_id",
                table: "bookings");
        }
    }
}
