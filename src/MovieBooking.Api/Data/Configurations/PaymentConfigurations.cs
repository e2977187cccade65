using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Tickets;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> payment)
    {
        payment.Property(p => p.Gateway).HasMaxLength(16);
        payment.Property(p => p.OrderId).HasMaxLength(100);
        payment.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        payment.Property(p => p.GatewayPaymentId).HasMaxLength(100);
        payment.Property(p => p.RefundId).HasMaxLength(100);
        payment.HasIndex(p => new { p.Gateway, p.OrderId }).IsUnique();
        payment.HasIndex(p => new { p.Gateway, p.GatewayPaymentId });
        payment.HasIndex(p => p.BookingId);
        payment.HasIndex(p => new { p.Status, p.UpdatedAt });
        payment.HasOne<Booking>().WithMany().HasForeignKey(p => p.BookingId).OnDelete(DeleteBehavior.Restrict);
        payment.ToTable(t =>
        {
            t.HasCheckConstraint("ck_payments_status", $"status IN ({UpperSnakeCaseEnumConverter<PaymentStatus>.SqlList})");
            t.HasCheckConstraint("ck_payments_amounts", "amount > 0 AND (refund_amount IS NULL OR (refund_amount > 0 AND refund_amount <= amount))");
        });
    }
}

internal sealed class PaymentEventConfiguration : IEntityTypeConfiguration<PaymentEvent>
{
    public void Configure(EntityTypeBuilder<PaymentEvent> paymentEvent)
    {
        paymentEvent.HasKey(e => new { e.Gateway, e.EventId });
        paymentEvent.Property(e => e.Gateway).HasMaxLength(16);
        paymentEvent.Property(e => e.EventId).HasMaxLength(100);
        paymentEvent.Property(e => e.Type).HasMaxLength(64);
    }
}

internal sealed class SandboxOrderConfiguration : IEntityTypeConfiguration<SandboxOrder>
{
    public void Configure(EntityTypeBuilder<SandboxOrder> order)
    {
        order.HasKey(o => o.OrderId);
        order.Property(o => o.OrderId).HasMaxLength(40);
        order.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        order.Property(o => o.Status).HasMaxLength(16);
        order.Property(o => o.PaymentId).HasMaxLength(40);
        order.HasIndex(o => o.PaymentId).IsUnique();
    }
}

internal sealed class SandboxRefundConfiguration : IEntityTypeConfiguration<SandboxRefund>
{
    public void Configure(EntityTypeBuilder<SandboxRefund> refund)
    {
        refund.HasKey(r => r.RefundId);
        refund.Property(r => r.RefundId).HasMaxLength(40);
        refund.Property(r => r.PaymentId).HasMaxLength(40);
        refund.Property(r => r.OrderId).HasMaxLength(40);
        refund.Property(r => r.Currency).HasMaxLength(3).IsFixedLength();
        refund.Property(r => r.IdempotencyKey).HasMaxLength(100);
        // One refund per captured payment, and one per key: a gateway never refunds twice.
        refund.HasIndex(r => r.PaymentId).IsUnique();
        refund.HasIndex(r => r.IdempotencyKey).IsUnique();
    }
}

internal sealed class SandboxWebhookConfiguration : IEntityTypeConfiguration<SandboxWebhook>
{
    public void Configure(EntityTypeBuilder<SandboxWebhook> webhook)
    {
        webhook.Property(w => w.EventId).HasMaxLength(40);
        webhook.Property(w => w.OrderId).HasMaxLength(40);
        webhook.HasIndex(w => new { w.DeliveredAt, w.DueAt });
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> ticket)
    {
        ticket.HasIndex(t => t.BookingId).IsUnique();
        ticket.HasOne<Booking>().WithOne().HasForeignKey<Ticket>(t => t.BookingId).OnDelete(DeleteBehavior.Cascade);
    }
}
