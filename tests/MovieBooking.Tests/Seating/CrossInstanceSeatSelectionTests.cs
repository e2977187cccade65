using System.Net;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Seating;

/// <summary>
/// Two instances over one database (and one Redis, when the holds live there) do not take turns with each other, so
/// only the hold's guard keeps two selections racing through different instances from stranding a seat together.
/// </summary>
public abstract class CrossInstanceSeatSelectionTests(TwoInstancesOfOneDatabase instances)
{
    [Fact]
    public async Task Selections_racing_through_two_instances_never_together_strand_a_seat()
    {
        // Blocks of seven: B1-B2 alone and B4-B5 alone each leave no seat alone, but together they strand B3.
        const int Rows = 8;
        var a = await instances.ActorsAsync();
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId, gapRule: "STRICT");
        var screen = await a.Catalog.CreateAsync($"/api/theatres/{theatre}/screens", new { name = "Audi X", rows = CatalogBuilder.Layout(rows: Rows, seatsPerRow: 14) });
        var show = await a.Catalog.ShowAsync(screen, startsAt: instances.First.Time.GetUtcNow().AddDays(2));

        var left = new HttpClient[Rows];
        var right = new HttpClient[Rows];
        using (var anonymous = instances.First.CreateClient())
        {
            for (var row = 0; row < Rows; row++)
            {
                var (leftEmail, rightEmail) = ($"left{row}-{Guid.NewGuid():N}@example.com", $"right{row}-{Guid.NewGuid():N}@example.com");
                await anonymous.RegisterAsync(leftEmail, "Shopper#2026");
                await anonymous.RegisterAsync(rightEmail, "Shopper#2026");
                left[row] = await instances.First.SignedInClientAsync(leftEmail, "Shopper#2026");
                right[row] = await instances.Second.SignedInClientAsync(rightEmail, "Shopper#2026");
            }
        }

        try
        {
            for (var row = 0; row < Rows; row++)
            {
                var label = (char)('A' + row);
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var first = HoldWhenStartedAsync(left[row], start.Task, $"{label}1", $"{label}2");
                var second = HoldWhenStartedAsync(right[row], start.Task, $"{label}4", $"{label}5");
                start.SetResult();

                var answers = await Task.WhenAll(first, second);
                Assert.Equal(1, answers.Count(status => status == HttpStatusCode.Created));
                Assert.Equal(1, answers.Count(status => status == HttpStatusCode.Conflict));
                using var reader = instances.First.CreateClient();
                var map = await reader.SeatStatusesAsync(show);
                Assert.Equal("AVAILABLE", map[$"{label}3"]);
                Assert.False(map[$"{label}2"] == "HELD" && map[$"{label}4"] == "HELD", $"Row {label}: seat {label}3 was stranded.");
            }
        }
        finally
        {
            foreach (var client in left.Concat(right))
            {
                client.Dispose();
            }
        }

        async Task<HttpStatusCode> HoldWhenStartedAsync(HttpClient client, Task started, params string[] seatIds)
        {
            await started;
            using var response = await client.PostJsonAsync($"/api/shows/{show}/holds", new { seatIds });
            return response.StatusCode;
        }
    }
}

public sealed class CrossInstanceSeatSelectionWithRedisTests(TwoInstancesWithRedis instances)
    : CrossInstanceSeatSelectionTests(instances), IClassFixture<TwoInstancesWithRedis>;

public sealed class CrossInstanceSeatSelectionWithoutRedisTests(TwoInstancesWithoutRedis instances)
    : CrossInstanceSeatSelectionTests(instances), IClassFixture<TwoInstancesWithoutRedis>;
