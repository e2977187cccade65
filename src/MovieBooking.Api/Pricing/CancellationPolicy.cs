using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace MovieBooking.Api.Pricing;

/// <summary>
/// A tier of a cancellation policy: cancelling at least <see cref="Before"/> ahead of the show costs
/// <see cref="FeePercent"/> of what was paid for the tickets.
/// </summary>
public sealed record CancellationTier(TimeSpan Before, decimal FeePercent)
{
    public string Describe() => Before == TimeSpan.Zero
        ? $"until the show starts: {FeePercent.ToString("0.##", CultureInfo.InvariantCulture)} % cancellation fee"
        : $"{Span(Before)} or more before the show: {FeePercent.ToString("0.##", CultureInfo.InvariantCulture)} % cancellation fee";

    public static string Span(TimeSpan span) => span switch
    {
        { Ticks: 0 } => "0 minutes",
        { TotalMinutes: < 60 } => $"{span.TotalMinutes:0} minutes",
        { TotalHours: >= 24, Hours: 0, Minutes: 0 } => $"{span.TotalDays:0} {(span.TotalDays == 1 ? "day" : "days")}",
        { Minutes: 0 } => $"{span.TotalHours:0} {(span.TotalHours == 1 ? "hour" : "hours")}",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };
}

/// <summary>
/// Ordered tiers, latest last: the first whose <c>Before</c> is still ahead of the show applies, and after the last one
/// a booking can no longer be cancelled. The convenience fee and its tax are kept; food and drink are refunded in full.
/// </summary>
public sealed record CancellationPolicy(IReadOnlyList<CancellationTier> Tiers)
{
    /// <summary>As PVR's on BookMyShow: 2 hours or more ahead, 25 %; from 2 hours to 20 minutes, 50 %; later, none.</summary>
    public static readonly CancellationPolicy Default = new([new(TimeSpan.FromHours(2), 25m), new(TimeSpan.FromMinutes(20), 50m)]);

    /// <summary>What cancelling a paid booking would give back now, and until when that holds.</summary>
    public CancellationQuote Quote(DateTimeOffset startsAt, DateTimeOffset now, long ticketsPaid, long food, long convenienceFeeAndTax, bool refundConvenienceFee)
    {
        var tier = Tiers.FirstOrDefault(t => startsAt - t.Before > now);
        if (tier is null)
        {
            var last = Tiers.Count == 0 ? TimeSpan.Zero : Tiers[^1].Before;
            return new CancellationQuote(false, 0, 0, null, null,
                $"Bookings can be cancelled until {CancellationTier.Span(last)} before the show.");
        }

        var fee = PriceCalculator.RoundHalfUp(ticketsPaid * tier.FeePercent / 100m);
        var refund = ticketsPaid - fee + food + (refundConvenienceFee ? convenienceFeeAndTax : 0);
        return new CancellationQuote(true, refund, fee, tier, startsAt - tier.Before, null);
    }

    /// <summary>Tiers from the latest-ahead first, each strictly later than the one before, fees from 0 to 100 %.</summary>
    public static List<string> Problems(IReadOnlyList<CancellationTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var problems = new List<string>();
        if (tiers.Count == 0)
        {
            problems.Add("A policy has at least one tier.");
        }

        for (var i = 0; i < tiers.Count; i++)
        {
            if (tiers[i].Before < TimeSpan.Zero || tiers[i].Before > TimeSpan.FromDays(30))
            {
                problems.Add($"Tier {i + 1}: before is between 00:00:00 and 30.00:00:00.");
            }

            if (tiers[i].FeePercent is < 0 or > 100)
            {
                problems.Add($"Tier {i + 1}: the fee is between 0 and 100 %.");
            }

            if (i > 0 && tiers[i].Before >= tiers[i - 1].Before)
            {
                problems.Add($"Tier {i + 1} starts later than tier {i} ends: order tiers from the earliest cancellation to the latest.");
            }
        }

        return problems;
    }
}

/// <summary>What cancelling now would do: allowed or why not, the refund, the fee kept, the tier and until when it holds.</summary>
public sealed record CancellationQuote(bool Allowed, long Refund, long Fee, CancellationTier? Tier, DateTimeOffset? Until, string? Reason);

/// <summary>Bound from <c>Cancellation</c>: the default policy's tiers (none configured: <see cref="CancellationPolicy.Default"/>).</summary>
public sealed class CancellationOptions : IValidatableObject
{
    public const string Section = "Cancellation";

    /// <summary><c>Cancellation:Tiers:0:Before=02:00:00</c>, <c>Cancellation:Tiers:0:FeePercent=25</c>, …, earliest first.</summary>
    public List<TierSetting> Tiers { get; set; } = [];

    public CancellationPolicy Policy => Tiers.Count == 0 ? CancellationPolicy.Default : new CancellationPolicy([.. Tiers.Select(t => new CancellationTier(t.Before, t.FeePercent))]);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Tiers.Count == 0 ? [] : CancellationPolicy.Problems(Policy.Tiers).Select(p => new ValidationResult($"Cancellation:Tiers: {p}", [nameof(Tiers)]));

    public sealed class TierSetting
    {
        public TimeSpan Before { get; set; }
        public decimal FeePercent { get; set; }
    }
}
