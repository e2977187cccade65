using MovieBooking.Api.Seating;

namespace MovieBooking.Tests.Catalog;

public sealed class SeatOrderTests
{
    [Fact]
    public void Seats_sort_in_reading_order_rows_then_numbers()
    {
        string[] seats = ["C10", "AA1", "C2", "B1", "A10", "A9"];
        Assert.Equal(["A9", "A10", "B1", "C2", "C10", "AA1"], seats.Order(SeatOrder.Instance));
    }
}
