using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MoneyInvariants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "next_check_at",
                table: "payments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "cancelled_at",
                table: "bookings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sandbox_refunds",
                columns: table => new
                {
                    refund_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_refunds", x => x.refund_id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_webhooks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered_at = table.Column<long>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_webhooks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_orders_payment_id",
                table: "sandbox_orders",
                column: "payment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payments_status_updated_at",
                table: "payments",
                columns: new[] { "status", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_refunds_idempotency_key",
                table: "sandbox_refunds",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_refunds_payment_id",
                table: "sandbox_refunds",
                column: "payment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_webhooks_delivered_at_due_at",
                table: "sandbox_webhooks",
                columns: new[] { "delivered_at", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sandbox_refunds");

            migrationBuilder.DropTable(
                name: "sandbox_webhooks");

            migrationBuilder.DropIndex(
                name: "ix_sandbox_orders_payment_id",
                table: "sandbox_orders");

            migrationBuilder.DropIndex(
                name: "ix_payments_status_updated_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "next_check_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                table: "bookings");
        }
    }
}
