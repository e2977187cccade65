using System.Net;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Tickets;

public sealed class SqliteDefaultDoorsFixture : SqliteAppFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Tickets:CheckInOpensBefore"] = "02:00:00";
}

public sealed class PostgresDefaultDoorsFixture : PostgresAppFixture
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Tickets:CheckInOpensBefore"] = "02:00:00";
}

/// <summary>Tickets admit from two hours before the show until its end, and say so in the theatre's time otherwise.</summary>
public abstract class CheckInWindowTests(AppFixture fixture) : BookingsApiTestsBase(fixture)
{
    private readonly AppFixture _fixture = fixture;

    [Fact]
    public async Task A_ticket_admits_only_from_two_hours_before_the_start_until_the_end()
    {
        var actors = await _fixture.ActorsAsync();
        var (show, shoppers) = await FreshShowAsync();
        var details = await _fixture.Client.GetJsonAsync($"/api/shows/{show}");
        var startsAt = details.GetProperty("startsAt").GetDateTimeOffset().ToUniversalTime();
        var endsAt = details.GetProperty("endsAt").GetDateTimeOffset().ToUniversalTime();
        var early = await PaidTicketAsync(shoppers[0], show, "A1");
        var late = await PaidTicketAsync(shoppers[1], show, "A2");

        var tooEarly = await ScanAsync(actors.Owner, early, HttpStatusCode.Conflict);
        Assert.Equal(startsAt.AddHours(-2), tooEarly.GetProperty("opensAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromHours(5.5), tooEarly.GetProperty("opensAt").GetDateTimeOffset().Offset);
        Assert.Contains($"{startsAt.AddHours(-2).ToOffset(TimeSpan.FromHours(5.5)):yyyy-MM-dd HH:mm}", tooEarly.GetProperty("detail").GetString(), StringComparison.Ordinal);

        _fixture.App.Time.SetUtcNow(startsAt.AddHours(-2).AddSeconds(-1));
        await ScanAsync(actors.Owner, early, HttpStatusCode.Conflict);
        _fixture.App.Time.SetUtcNow(startsAt.AddHours(-2));
        await ScanAsync(actors.Owner, early, HttpStatusCode.OK);

        _fixture.App.Time.SetUtcNow(endsAt);
        var over = await ScanAsync(actors.Owner, late, HttpStatusCode.Conflict);
        Assert.Equal("Show is over", over.GetProperty("title").GetString());
        Assert.Equal(endsAt, over.GetProperty("closesAt").GetDateTimeOffset());
    }

    private static async Task<System.Text.Json.JsonElement> ScanAsync(HttpClient scanner, string qr, HttpStatusCode expected)
    {
        using var response = await scanner.PostJsonAsync("/api/checkins", new { qr });
        return expected == HttpStatusCode.OK ? await response.ReadJsonAsync(expected) : await response.ReadProblemAsync(expected);
    }
}

public sealed class SqliteCheckInWindowTests(SqliteDefaultDoorsFixture fixture) : CheckInWindowTests(fixture), IClassFixture<SqliteDefaultDoorsFixture>;

public sealed class PostgresCheckInWindowTests(PostgresDefaultDoorsFixture fixture) : CheckInWindowTests(fixture), IClassFixture<PostgresDefaultDoorsFixture>;
