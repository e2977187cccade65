using MovieBooking.Api.Data;
using Npgsql;

namespace MovieBooking.Tests.Hosting;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void The_pool_is_sized_to_the_cores_and_statements_are_prepared_unless_the_connection_string_says_otherwise()
    {
        var defaults = new NpgsqlConnectionStringBuilder(DatabaseExtensions.PostgresConnectionString("Host=db;Database=movies"));
        Assert.Equal(Math.Max(8, Environment.ProcessorCount * 4), defaults.MaxPoolSize);
        Assert.Equal(64, defaults.MaxAutoPrepare);

        foreach (var given in new[] { "Maximum Pool Size=50", "maximum pool size=50" })
        {
            var kept = new NpgsqlConnectionStringBuilder(DatabaseExtensions.PostgresConnectionString($"Host=db;Database=movies;{given};Max Auto Prepare=5"));
            Assert.Equal(50, kept.MaxPoolSize);
            Assert.Equal(5, kept.MaxAutoPrepare);
        }
    }
}
