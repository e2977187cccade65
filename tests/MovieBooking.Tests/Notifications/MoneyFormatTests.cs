using MovieBooking.Api.Notifications;

namespace MovieBooking.Tests.Notifications;

/// <summary>Amounts in messages: rupees grouped in lakhs and crores, two decimals; other currencies by their code.</summary>
public sealed class MoneyFormatTests
{
    [Theory]
    [InlineData(0L, "INR", "₹0.00")]
    [InlineData(5L, "INR", "₹0.05")]
    [InlineData(12_345L, "INR", "₹123.45")]
    [InlineData(123_456L, "INR", "₹1,234.56")]
    [InlineData(12_345_678L, "INR", "₹1,23,456.78")]
    [InlineData(1_234_567_890L, "INR", "₹1,23,45,678.90")]
    [InlineData(-2_500L, "INR", "-₹25.00")]
    [InlineData(123_456_789L, "USD", "1,234,567.89 USD")]
    public void Amounts_read_as_people_write_them(long minor, string currency, string expected) =>
        Assert.Equal(expected, Money.Format(minor, currency));
}
