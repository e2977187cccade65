using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Pricing;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class PricePlanConfiguration : IEntityTypeConfiguration<PricePlan>
{
    /// <summary>The plan's document as stored: categories and days by name, times as <c>HH:mm:ss</c>.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
    };

    public void Configure(EntityTypeBuilder<PricePlan> plan)
    {
        plan.HasKey(p => p.ScreenId);
        plan.HasOne<Screen>().WithOne().HasForeignKey<PricePlan>(p => p.ScreenId).OnDelete(DeleteBehavior.Cascade);
        plan.Property(p => p.Rules)
            .HasConversion(rules => JsonSerializer.Serialize(rules, Json), json => JsonSerializer.Deserialize<PriceRules>(json, Json)!,
                new ValueComparer<PriceRules>(
                    (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                    rules => JsonSerializer.Serialize(rules, Json).GetHashCode(StringComparison.Ordinal),
                    rules => rules));
    }
}
