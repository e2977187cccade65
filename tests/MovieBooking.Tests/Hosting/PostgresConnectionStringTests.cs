using MovieBooking.Api.Data;
using Npgsql;

namespace MovieBooking.Tests.Hosting;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Defaults_size_the_pool_to_the_cores_prepare_and_plan_statements_once_and_skip_the_reset()
    {
        var defaults = new NpgsqlConnectionStringBuilder(DatabaseExtensions.PostgresConnectionString("Host=db;Database=movies"));
        Assert.Equal(Math.Max(8, Environment.ProcessorCount * 4), defaults.MaxPoolSize);
        Assert.Equal(64, defaults.MaxAutoPrepare);
        Assert.Equal("-c plan_cache_mode=force_generic_plan", defaults.Options);
        Assert.True(defaults.NoResetOnClose);
    }

    [Theory]
    [InlineData("Maximum Pool Size=50;Max Auto Prepare=5;No Reset On Close=false;Options=-c plan_cache_mode=auto")]
    [InlineData("maximum pool size=50;max auto prepare=5;noresetonclose=false;options=-c plan_cache_mode=auto")]
    public void Settings_in_the_connection_string_are_kept(string given)
    {
        var kept = new NpgsqlConnectionStringBuilder(DatabaseExtensions.PostgresConnectionString($"Host=db;Database=movies;{given}"));
        Assert.Equal(50, kept.MaxPoolSize);
        Assert.Equal(5, kept.MaxAutoPrepare);
        Assert.False(kept.NoResetOnClose);
        Assert.Equal("-c plan_cache_mode=auto", kept.Options);
    }

    [Fact]
    public void Other_server_options_are_kept_alongside_the_plan_setting()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseExtensions.PostgresConnectionString("Host=db;Options=-c statement_timeout=5s"));
        Assert.Equal("-c statement_timeout=5s -c plan_cache_mode=force_generic_plan", built.Options);
    }
}
