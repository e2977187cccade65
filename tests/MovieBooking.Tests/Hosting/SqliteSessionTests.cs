using Microsoft.EntityFrameworkCore;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

public sealed class SqliteSessionTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [Fact]
    public async Task Every_open_connection_has_the_commit_and_lock_settings_including_pooled_ones()
    {
        for (var open = 0; open < 5; open++)
        {
            var (synchronous, busyTimeout, journal) = await fixture.App.WithDbAsync(async db => (
                await db.Database.SqlQueryRaw<long>("PRAGMA synchronous").ToListAsync(),
                await db.Database.SqlQueryRaw<long>("PRAGMA busy_timeout").ToListAsync(),
                await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync()));
            Assert.Equal(1, Assert.Single(synchronous)); // NORMAL
            Assert.Equal(30000, Assert.Single(busyTimeout));
            Assert.Equal("wal", Assert.Single(journal));
        }
    }
}
