using Microsoft.EntityFrameworkCore;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

public sealed class PostgresSessionTests(PostgresAppFixture fixture) : IClassFixture<PostgresAppFixture>
{
    [Fact]
    public async Task The_service_connections_plan_prepared_statements_once()
    {
        var mode = await fixture.App.WithDbAsync(db =>
            db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"").SingleAsync());
        Assert.Equal("force_generic_plan", mode);
    }
}
