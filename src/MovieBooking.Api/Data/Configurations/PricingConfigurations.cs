using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Identity;
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
