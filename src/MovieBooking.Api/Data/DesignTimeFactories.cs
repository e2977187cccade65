using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MovieBooking.Api.Data;

// Used by `dotnet ef migrations add … --context …` only; the running app configures contexts in DatabaseExtensions.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMovieBookingDb>
{
    public SqliteMovieBookingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteMovieBookingDb>()
            .UseSqlite("Data Source=design.db")
            .UseSnakeCaseNamingConvention()
            .Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMovieBookingDb>
{
    public PostgresMovieBookingDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresMovieBookingDb>()
            .UseNpgsql("Host=localhost;Database=moviebooking")
            .UseSnakeCaseNamingConvention()
            .Options);
}
