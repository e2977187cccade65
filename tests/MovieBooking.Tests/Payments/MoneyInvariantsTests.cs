using System.Net;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Payments;
using MovieBooking.Chaos;
using MovieBooking.Tests.Bookings;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Payments;

/// <summary>The chaos runs' invariant checks find nothing in a sound database, and find each kind of damage.</summary>
public sealed class MoneyInvariantsTests(PostgresAppFixture fixture) : BookingsApiTestsBase(fixture), IClassFixture<PostgresAppFixture>
{
    private readonly MovieBookingApp _app = fixture.App;
    private readonly HttpClient _anonymous = fixture.Client;
    private readonly string _database = fixture.Settings["ConnectionStrings:Default"]!;

    [Fact]
    public async Task A_sound_database_passes_and_each_kind_of_damage_is_named()
    {
        var (show, shoppers) = await FreshShowAsync();
        var paid = await PayAsync(shoppers[0], show, "A1");
        var refunded = await PayAsync(shoppers[1], show, "A2");
        using (var cancel = await shoppers[1].PostAsync(new Uri($"/api/bookings/{refunded.BookingId}/cancel", UriKind.Relative), null))
        {
            await cancel.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Empty(await MoneyInvariants.CheckAsync(_database));

        // Money taken, but the service's record says the payment was never made.
        await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == paid.PaymentId).ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Created)));
        var found = await MoneyInvariants.CheckAsync(_database);
        Assert.Contains(found, v => v.StartsWith("money taken at the gateway that the service never recorded", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("confirmed booking not paid by a captured payment", StringComparison.Ordinal));
        Assert.Contains(await MoneyInvariants.UnsettledAsync(_database), v => v.Contains(paid.PaymentId.ToString(), StringComparison.Ordinal));
        await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == paid.PaymentId).ExecuteUpdateAsync(p => p.SetProperty(x => x.Status, PaymentStatus.Captured)));

        // A second refund of the refunded payment, under another key.
        await _app.WithDbAsync(async db =>
        {
            var first = await db.SandboxRefunds.AsNoTracking().SingleAsync(r => r.OrderId == refunded.OrderId);
            await db.Database.ExecuteSqlRawAsync("DROP INDEX ix_sandbox_refunds_payment_id");
            db.SandboxRefunds.Add(new SandboxRefund
            {
                RefundId = "rfnd_second",
                PaymentId = first.PaymentId,
                OrderId = first.OrderId,
                Amount = first.Amount,
                Currency = first.Currency,
                IdempotencyKey = "another-key",
                CreatedAt = first.CreatedAt,
            });
            return await db.SaveChangesAsync();
        });
        found = await MoneyInvariants.CheckAsync(_database);
        Assert.Contains(found, v => v.StartsWith("payment refunded twice", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("captured payment neither confirming its booking nor refunded exactly once", StringComparison.Ordinal));
    }

    private sealed record Paid(Guid BookingId, Guid PaymentId, string OrderId);

    private async Task<Paid> PayAsync(HttpClient shopper, string show, string seat)
    {
        var booking = await BookAsync(shopper, await HoldAsync(shopper, show, seat));
        using var start = await shopper.PostAsync(new Uri($"/api/bookings/{booking.GetProperty("id").GetString()}/payments", UriKind.Relative), null);
        var payment = await start.ReadJsonAsync(HttpStatusCode.Created);
        var orderId = payment.GetProperty("orderId").GetString()!;
        using var pay = await _anonymous.PostJsonAsync($"/api/sandbox/orders/{orderId}/pay", new { outcome = "success" });
        await pay.ReadJsonAsync(HttpStatusCode.OK);
        return new Paid(booking.GetProperty("id").GetGuid(), payment.GetProperty("paymentId").GetGuid(), orderId);
    }
}
