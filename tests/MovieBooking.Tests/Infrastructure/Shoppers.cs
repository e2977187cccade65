namespace MovieBooking.Tests.Infrastructure;

public static class Shoppers
{
    public static async Task<HttpClient[]> CreateAsync(MovieBookingApp app, int count)
    {
        using var anonymous = app.CreateClient();
        var clients = new HttpClient[count];
        for (var i = 0; i < count; i++)
        {
            var email = $"shopper{i}-{Guid.NewGuid():N}@example.com";
            await anonymous.RegisterAsync(email, "Shopper#2026", $"Shopper {i}");
            clients[i] = await app.SignedInClientAsync(email, "Shopper#2026");
        }

        return clients;
    }
}
