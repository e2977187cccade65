using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InvoiceSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "invoice_series",
                columns: table => new
                {
                    theatre_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    last_number = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_series", x => new { x.theatre_id, x.kind });
                    table.ForeignKey(
                        name: "fk_invoice_series_theatres_theatre_id",
                        column: x => x.theatre_id,
                        principalTable: "theatres",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Each series carries on from the highest number its theatre already issued.
            migrationBuilder.Sql("""
                INSERT INTO invoice_series (theatre_id, kind, last_number)
                SELECT theatre_id, kind, MAX(number) FROM invoices GROUP BY theatre_id, kind;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invoice_series");
        }
    }
}
