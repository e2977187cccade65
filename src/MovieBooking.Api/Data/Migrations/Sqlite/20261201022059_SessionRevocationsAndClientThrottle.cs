using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MovieBooking.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionRevocationsAndClientThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_login_failures_normalized_email_failed_at",
                table: "login_failures");

            migrationBuilder.AddColumn<int>(
                name: "token_version",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "client",
                table: "login_failures",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "revocations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    session_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    below_version = table.Column<int>(type: "INTEGER", nullable: true),
                    recorded_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revocations", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_login_failures_client_failed_at",
                table: "login_failures",
                columns: new[] { "client", "failed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_login_failures_failed_at",
                table: "login_failures",
                column: "failed_at");

            migrationBuilder.CreateIndex(
                name: "ix_login_failures_normalized_email_client_failed_at",
                table: "login_failures",
                columns: new[] { "normalized_email", "client", "failed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_revocations_expires_at",
                table: "revocations",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_revocations_recorded_at",
                table: "revocations",
                column: "recorded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revocations");

            migrationBuilder.DropIndex(
                name: "ix_login_failures_client_failed_at",
                table: "login_failures");

            migrationBuilder.DropIndex(
                name: "ix_login_failures_failed_at",
                table: "login_failures");

            migrationBuilder.DropIndex(
                name: "ix_login_failures_normalized_email_client_failed_at",
                table: "login_failures");

            migrationBuilder.DropColumn(
                name: "token_version",
                table: "users");

            migrationBuilder.DropColumn(
                name: "client",
                table: "login_failures");

            migrationBuilder.CreateIndex(
                name: "ix_login_failures_normalized_email_failed_at",
                table: "login_failures",
                columns: new[] { "normalized_email", "failed_at" });
        }
    }
}
