namespace MovieBooking.Api.Catalog;

/// <summary>A price asked for one seat category of a show, in minor units.</summary>
public sealed record CategoryPrice(SeatCategory Category, long Amount);

/// <summary>The rules a show's schedule and prices obey, independent of storage.</summary>
public static class ShowRules
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(8);
    public const long MaxPrice = 10_000_000;

    /// <summary>Checks times, language and prices against the movie and the screen's seat categories.</summary>
    public static Dictionary<string, string[]> Validate(
        DateTimeOffset startsAt,
        DateTimeOffset endsAt,
        string language,
        IReadOnlyList<CategoryPrice>? prices,
        int movieMinutes,
        IReadOnlyCollection<string> movieLanguages,
        IReadOnlySet<SeatCategory> screenCategories,
        DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (startsAt <= now)
        {
            errors["startsAt"] = ["A show starts in the future."];
        }

        if (endsAt <= startsAt)
        {
            errors["endsAt"] = ["A show ends after it starts."];
        }
        else if (endsAt - startsAt < TimeSpan.FromMinutes(movieMinutes))
        {
            errors["endsAt"] = [$"The show is shorter than the movie ({movieMinutes} minutes)."];
        }
        else if (endsAt - startsAt > MaxLength)
        {
            errors["endsAt"] = [$"A show lasts at most {MaxLength.TotalHours} hours."];
        }

        if (!movieLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            errors["language"] = [$"The movie is available in {string.Join(", ", movieLanguages)}."];
        }

        if (PriceProblems(prices ?? [], screenCategories, lowest: 0) is { Count: > 0 } problems)
        {
            errors["prices"] = [.. problems];
        }

        return errors;
    }

    /// <summary>What is wrong with a price list for a screen: each of its categories priced once, within range.</summary>
    public static List<string> PriceProblems(IReadOnlyList<CategoryPrice> prices, IReadOnlySet<SeatCategory> screenCategories, long lowest)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(screenCategories);
        var problems = new List<string>();
        problems.AddRange(prices.GroupBy(p => p.Category).Where(g => g.Count() > 1).Select(g => $"{Name(g.Key)} is priced twice."));
        problems.AddRange(screenCategories.Except(prices.Select(p => p.Category)).Select(c => $"No price for {Name(c)} seats."));
        problems.AddRange(prices.Select(p => p.Category).Distinct().Except(screenCategories).Select(c => $"The screen has no {Name(c)} seats."));
        problems.AddRange(prices.Where(p => p.Amount < lowest || p.Amount > MaxPrice)
            .Select(p => $"The price of {Name(p.Category)} must be between {lowest} and {MaxPrice}."));
        return problems;
    }

    /// <summary>The spelling the API uses for a category.</summary>
    public static string Name(SeatCategory category) => System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(category.ToString());
}
