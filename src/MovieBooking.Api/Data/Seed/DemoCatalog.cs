using MovieBooking.Api.Catalog;

namespace MovieBooking.Api.Data.Seed;

/// <summary>The demo catalogue: one cinema chain in four cities, eight films, a week of shows.</summary>
internal static class DemoCatalog
{
    public const string TimeZone = "Asia/Kolkata";

    public static readonly (string Name, string Slug, (string Name, string Address)[] Theatres)[] Cities =
    [
        ("Mumbai", "mumbai",
        [
            ("Cineverse Lower Parel", "Phoenix Mills Compound, Senapati Bapat Marg, Lower Parel, Mumbai 400013"),
            ("Cineverse Andheri West", "Infiniti Mall, New Link Road, Andheri West, Mumbai 400053"),
        ]),
        ("Delhi NCR", "delhi-ncr",
        [
            ("Cineverse Saket", "Select Citywalk, Press Enclave Marg, Saket, New Delhi 110017"),
            ("Cineverse Connaught Place", "Block F, Inner Circle, Connaught Place, New Delhi 110001"),
        ]),
        ("Bengaluru", "bengaluru",
        [
            ("Cineverse Koramangala", "Forum Mall, Hosur Road, Koramangala, Bengaluru 560029"),
            ("Cineverse Whitefield", "Phoenix Marketcity, Whitefield Main Road, Bengaluru 560048"),
        ]),
        ("Hyderabad", "hyderabad",
        [
            ("Cineverse Banjara Hills", "Road No. 1, Banjara Hills, Hyderabad 500034"),
            ("Cineverse Kukatpally", "Forum Sujana Mall, KPHB Colony, Kukatpally, Hyderabad 500072"),
        ]),
    ];

    public static Movie[] Movies() =>
    [
        Film("Monsoon Express", "A retired loco pilot is pulled back for one last run through the Western Ghats during the worst storm in a century.",
            ["Hindi", "Tamil", "Telugu"], ["Action", "Thriller"], 152, "UA13+", new DateOnly(2026, 11, 13)),
        Film("The Last Light of Hampi", "An archaeologist and a tour guide race a developer to save a forgotten temple.",
            ["Kannada", "Hindi"], ["Drama", "History"], 141, "UA", new DateOnly(2026, 10, 30)),
        Film("Orbit Nine", "The crew of India's first crewed deep-space mission loses contact with home.",
            ["English", "Hindi"], ["Sci-Fi", "Adventure"], 128, "UA7+", new DateOnly(2026, 11, 20)),
        Film("Chai & Chaos", "Two rival tea-stall owners in Old Delhi are forced to cater the same wedding.",
            ["Hindi"], ["Comedy", "Romance"], 118, "U", new DateOnly(2026, 11, 6)),
        Film("Shadows over Charminar", "A night-shift inspector follows a string of thefts into the old city's underground.",
            ["Telugu", "Hindi"], ["Crime", "Thriller"], 146, "A", new DateOnly(2026, 11, 20)),
        Film("Kaveri", "Three generations of a farming family face the year the river does not come.",
            ["Tamil", "Telugu"], ["Drama", "Family"], 135, "U", new DateOnly(2026, 10, 23)),
        Film("Paper Tigers", "Origami animals come to life in a Kolkata bookshop and must save it from closing.",
            ["English", "Hindi"], ["Animation", "Family"], 96, "U", new DateOnly(2026, 11, 13)),
        Film("Night Shift at Ward 7", "A new nurse learns why nobody takes the night shift at a hill-station hospital.",
            ["Malayalam", "Hindi"], ["Horror", "Mystery"], 121, "A", new DateOnly(2026, 11, 27)),
    ];

    /// <summary>Local start times of the daily shows on every screen.</summary>
    /// <summary>Each theatre's menu: name, kind, price in paise (GST included), veg, stock per show (none: unlimited).</summary>
    public static readonly (string Name, Food.MenuItemKind Kind, long Price, bool Veg, int? Stock)[] Menu =
    [
        ("Salted popcorn (large)", Food.MenuItemKind.Item, 28_000, true, 120),
        ("Masala chai", Food.MenuItemKind.Item, 9_000, true, null),
        ("Chicken puff", Food.MenuItemKind.Item, 14_000, false, 40),
        ("Popcorn and two colas", Food.MenuItemKind.Combo, 52_000, true, 60),
    ];

    /// <summary>The demo's offer code: 10 % off the tickets, at most ₹100, once per customer.</summary>
    public const string OfferCode = "WELCOME10";

    public static readonly TimeOnly[] ShowTimes = [new(10, 0), new(13, 30), new(17, 0), new(20, 30)];

    /// <summary>Prices in paise by category; evening shows cost a fifth more.</summary>
    public static long Price(SeatCategory category, bool evening)
    {
        long basePrice = category switch
        {
            SeatCategory.Recliner => 45_000,
            SeatCategory.Prime => 28_000,
            _ => 18_000,
        };
        return evening ? basePrice * 6 / 5 : basePrice;
    }

    /// <summary>Seat layouts by screen: rows from the screen back, blocks of seats separated by aisles.</summary>
    public static readonly (string Name, LayoutBand[] Bands, string[] Blocked)[] Screens =
    [
        ("Audi 1",
        [
            new(SeatCategory.Classic, Rows: 7, Blocks: [4, 10, 4]),
            new(SeatCategory.Prime, Rows: 5, Blocks: [4, 10, 4]),
            new(SeatCategory.Recliner, Rows: 2, Blocks: [5, 5]),
        ], ["A1", "A18", "M5", "N6"]),
        ("Audi 2",
        [
            new(SeatCategory.Classic, Rows: 5, Blocks: [4, 8, 4]),
            new(SeatCategory.Prime, Rows: 4, Blocks: [4, 8, 4]),
            new(SeatCategory.Recliner, Rows: 1, Blocks: [4, 4]),
        ], ["A1", "A16", "J1"]),
    ];

    public sealed record LayoutBand(SeatCategory Category, int Rows, int[] Blocks);

    /// <summary>The seats of a layout; one empty column between blocks is the aisle.</summary>
    public static List<ScreenSeat> Seats(LayoutBand[] bands, string[] blocked)
    {
        var seats = new List<ScreenSeat>();
        var rowIndex = 0;
        foreach (var band in bands)
        {
            for (var r = 0; r < band.Rows; r++, rowIndex++)
            {
                var row = ((char)('A' + rowIndex)).ToString();
                var number = 1;
                var column = 0;
                foreach (var block in band.Blocks)
                {
                    for (var s = 0; s < block; s++, number++, column++)
                    {
                        var label = $"{row}{number}";
                        seats.Add(new ScreenSeat
                        {
                            Label = label,
                            Row = row,
                            RowIndex = rowIndex,
                            Number = number,
                            Column = column,
                            Category = band.Category,
                            IsBlocked = blocked.Contains(label),
                        });
                    }

                    column++;
                }
            }
        }

        return seats;
    }

    private static Movie Film(
        string title, string description, string[] languages, string[] genres, int minutes, string certificate, DateOnly released) =>
        new()
        {
            Title = title,
            Description = description,
            Languages = [.. languages],
            Genres = [.. genres],
            DurationMinutes = minutes,
            Certificate = certificate,
            ReleaseDate = released,
            PosterUrl = $"https://images.example.com/posters/{Slug(title)}.jpg",
        };

    private static string Slug(string text) =>
        string.Join('-', text.ToLowerInvariant().Split([' ', '&', '\''], StringSplitOptions.RemoveEmptyEntries));
}
