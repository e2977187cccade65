using MovieBooking.Api.Catalog;

namespace MovieBooking.Tests.Catalog;

public sealed class CityTimeTests
{
    [Fact]
    public void A_local_day_in_india_starts_at_18_30_utc_the_evening_before()
    {
        var (start, end) = CityTime.Day(new DateOnly(2026, 11, 26), "Asia/Kolkata");

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 18, 30, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromDays(1), end - start);
    }

    [Fact]
    public void Instants_are_shown_with_the_city_offset()
    {
        var local = CityTime.ToLocal(new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.Zero), "Asia/Kolkata");

        Assert.Equal(TimeSpan.FromHours(5.5), local.Offset);
        Assert.Equal(20, local.Hour);
    }

    [Fact]
    public void A_day_that_crosses_a_daylight_saving_change_has_its_true_length()
    {
        var (start, end) = CityTime.Day(new DateOnly(2026, 3, 29), "Europe/London");

        Assert.Equal(TimeSpan.FromHours(23), end - start);
    }

    [Theory]
    [InlineData("Asia/Kolkata", true)]
    [InlineData("Not/AZone", false)]
    public void Known_zones_are_recognised(string zone, bool known) => Assert.Equal(known, CityTime.IsKnownZone(zone));
}
