using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Food;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Invoices;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class PricePlanConfiguration : IEntityTypeConfiguration<PricePlan>
{
    public void Configure(EntityTypeBuilder<PricePlan> plan)
    {
        plan.HasKey(p => p.ScreenId);
        plan.HasOne<Screen>().WithOne().HasForeignKey<PricePlan>(p => p.ScreenId).OnDelete(DeleteBehavior.Cascade);
        plan.Property(p => p.Rules).HasConversion(new JsonValueConverter<PriceRules>(), new JsonValueComparer<PriceRules>());
    }
}

internal sealed class OfferConfiguration : IEntityTypeConfiguration<Offer>
{
    public void Configure(EntityTypeBuilder<Offer> offer)
    {
        offer.Property(o => o.Code).HasMaxLength(20);
        offer.HasIndex(o => o.Code).IsUnique();
        offer.Property(o => o.Description).HasMaxLength(200);
        offer.Property(o => o.Percent).HasPrecision(5, 2);
        offer.HasIndex(o => o.OwnerId);
        offer.HasOne<User>().WithMany().HasForeignKey(o => o.OwnerId).OnDelete(DeleteBehavior.Restrict);
        offer.Property(o => o.Scope).HasConversion(new JsonValueConverter<OfferScope>(), new JsonValueComparer<OfferScope>());
        offer.ToTable(t =>
        {
            t.HasCheckConstraint("ck_offers_discount", $"discount IN ({UpperSnakeCaseEnumConverter<OfferDiscount>.SqlList})");
            t.HasCheckConstraint("ck_offers_terms", "valid_until > valid_from AND min_tickets >= 1 AND (total_limit IS NULL OR total_limit >= 1) "
                + "AND (per_user_limit IS NULL OR per_user_limit >= 1)");
        });
    }
}

internal sealed class MenuItemConfiguration : IEntityTypeConfiguration<MenuItem>
{
    public void Configure(EntityTypeBuilder<MenuItem> item)
    {
        item.Property(i => i.Name).HasMaxLength(80);
        item.Property(i => i.Description).HasMaxLength(300);
        item.Property(i => i.ImageUrl).HasMaxLength(2048);
        item.Property(i => i.TaxRate).HasPrecision(5, 2);
        item.HasIndex(i => i.TheatreId);
        item.HasOne<Theatre>().WithMany().HasForeignKey(i => i.TheatreId).OnDelete(DeleteBehavior.Cascade);
        item.ToTable(t => t.HasCheckConstraint("ck_menu_items_amounts", "price > 0 AND (stock_per_show IS NULL OR stock_per_show >= 0)"));
    }
}

internal sealed class BookingFoodConfiguration : IEntityTypeConfiguration<BookingFood>
{
    public void Configure(EntityTypeBuilder<BookingFood> food)
    {
        food.ToTable("booking_food", t => t.HasCheckConstraint("ck_booking_food_quantity", "quantity > 0"));
        food.HasKey(f => new { f.BookingId, f.ItemId });
        food.Property(f => f.Name).HasMaxLength(80);
        food.Property(f => f.TaxRate).HasPrecision(5, 2);
        food.HasIndex(f => new { f.ShowId, f.ItemId });
        food.HasOne<Booking>().WithMany(b => b.FoodItems).HasForeignKey(f => f.BookingId).OnDelete(DeleteBehavior.Cascade);
        food.HasOne<MenuItem>().WithMany().HasForeignKey(f => f.ItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> invoice)
    {
        // One number per theatre and kind, and one invoice (and credit note) per booking.
        invoice.HasKey(i => new { i.TheatreId, i.Kind, i.Number });
        invoice.HasIndex(i => new { i.BookingId, i.Kind }).IsUnique();
        invoice.HasOne<Theatre>().WithMany().HasForeignKey(i => i.TheatreId).OnDelete(DeleteBehavior.Restrict);
        invoice.HasOne<Booking>().WithMany().HasForeignKey(i => i.BookingId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvoiceSeriesConfiguration : IEntityTypeConfiguration<InvoiceSeries>
{
    public void Configure(EntityTypeBuilder<InvoiceSeries> series)
    {
        series.HasKey(s => new { s.TheatreId, s.Kind });
        series.HasOne<Theatre>().WithMany().HasForeignKey(s => s.TheatreId).OnDelete(DeleteBehavior.Restrict);
    }
}
