using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SeatSelection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "gap_rule",
                table: "theatres",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "STRICT");

            migrationBuilder.AddColumn<double>(
                name: "focal_column",
                table: "screens",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "focal_row",
                table: "screens",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "hold_extended",
                table: "bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddCheckConstraint(
                name: "ck_theatres_gap_rule",
                table: "theatres",
                sql: "gap_rule IN ('OFF', 'STRICT', 'LENIENT')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_theatres_gap_rule",
                table: "theatres");

            migrationBuilder.DropColumn(
                name: "gap_rule",
                table: "theatres");

            migrationBuilder.DropColumn(
                name: "focal_column",
                table: "screens");

            migrationBuilder.DropColumn(
                name: "focal_row",
                table: "screens");

            migrationBuilder.DropColumn(
                name: "hold_extended",
                table: "bookings");
        }
    }
}
