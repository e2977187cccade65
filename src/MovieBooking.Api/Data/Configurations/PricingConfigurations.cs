using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Catalog;
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
