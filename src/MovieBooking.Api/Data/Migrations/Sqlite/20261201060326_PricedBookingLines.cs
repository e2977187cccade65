using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PricedBookingLines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_bookings_amounts",
                table: "bookings");

            migrationBuilder.AddColumn<long>(
                name: "discount",
                table: "bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "food",
                table: "bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "lines",
                table: "bookings",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "tax_included",
                table: "bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddCheckConstraint(
                name: "ck_bookings_amounts",
                table: "bookings",
                sql: "seat_total >= 0 AND discount >= 0 AND discount <= seat_total AND food >= 0 AND convenience_fee >= 0 AND tax >= 0 AND tax_included >= 0 AND total = seat_total - discount + food + convenience_fee + tax");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_bookings_amounts",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "discount",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "food",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "lines",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "tax_included",
                table: "bookings");

            migrationBuilder.AddCheckConstraint(
                name: "ck_bookings_amounts",
                table: "bookings",
                sql: "seat_total >= 0 AND convenience_fee >= 0 AND tax >= 0 AND total = seat_total + convenience_fee + tax");
        }
    }
}
