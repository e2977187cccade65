using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FoodAndDrink : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "menu_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    theatre_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    price = table.Column<long>(type: "INTEGER", nullable: false),
                    tax_rate = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: false),
                    veg = table.Column<bool>(type: "INTEGER", nullable: false),
                    image_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    stock_per_show = table.Column<int>(type: "INTEGER", nullable: true),
                    withdrawn = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_menu_items", x => x.id);
                    table.CheckConstraint("ck_menu_items_amounts", "price > 0 AND (stock_per_show IS NULL OR stock_per_show >= 0)");
                    table.ForeignKey(
                        name: "fk_menu_items_theatres_theatre_id",
                        column: x => x.theatre_id,
                        principalTable: "theatres",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "booking_food",
                columns: table => new
                {
                    booking_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    item_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    show_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    unit_price = table.Column<long>(type: "INTEGER", nullable: false),
                    tax_rate = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_booking_food", x => new { x.booking_id, x.item_id });
                    table.CheckConstraint("ck_booking_food_quantity", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_booking_food_bookings_booking_id",
                        column: x => x.booking_id,
                        principalTable: "bookings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_booking_food_menu_items_item_id",
                        column: x => x.item_id,
                        principalTable: "menu_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_booking_food_item_id",
                table: "booking_food",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "ix_booking_food_show_id_item_id",
                table: "booking_food",
                columns: new[] { "show_id", "item_id" });

            migrationBuilder.CreateIndex(
                name: "ix_menu_items_theatre_id",
                table: "menu_items",
                column: "theatre_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "booking_food");

            migrationBuilder.DropTable(
                name: "menu_items");
        }
    }
}
