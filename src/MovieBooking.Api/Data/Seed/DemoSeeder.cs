using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Food;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Seating;

namespace MovieBooking.Api.Data.Seed;

/// <summary>
/// Loads the demo catalogue and the demo accounts into an empty database; a database that has any city is left alone.
/// </summary>
internal static class DemoSeeder
{
    public const int Days = 7;

    /// <summary>Demo accounts: email, password, name, role. Documented in the README; never seeded outside the demo.</summary>
    public static readonly (string Email, string Password, string Name, Role Role)[] Accounts =
    [
        ("admin@example.com", "Admin#2026", "Asha Admin", Role.Admin),
        ("owner@example.com", "Owner#2026", "Omar Owner", Role.TheatreOwner),
        ("user@example.com", "User#2026", "Uma User", Role.User),
    ];

    public static async Task<bool> SeedAsync(
        MovieBookingDb db, IPasswordHasher<User> hasher, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Cities.AnyAsync(cancellationToken))
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var users = Accounts.Select(account =>
        {
            var user = new User
            {
                Email = account.Email,
                NormalizedEmail = User.Normalize(account.Email),
                Name = account.Name,
                Role = account.Role,
                CreatedAt = now,
            };
            user.PasswordHash = hasher.HashPassword(user, account.Password);
            return user;
        }).ToList();
        db.Users.AddRange(users);
        var chainOwner = users.Single(u => u.Role == Role.TheatreOwner);

        var movies = DemoCatalog.Movies();
        db.Movies.AddRange(movies);

        var zone = CityTime.Zone(DemoCatalog.TimeZone);
        var today = CityTime.Today(now, DemoCatalog.TimeZone);
        var screenNumber = 0;
        foreach (var (cityName, slug, theatres) in DemoCatalog.Cities)
        {
            var city = new City { Name = cityName, Slug = slug, TimeZone = DemoCatalog.TimeZone };
            db.Cities.Add(city);
            foreach (var (theatreName, address) in theatres)
            {
                var theatre = new Theatre { CityId = city.Id, OwnerId = chainOwner.Id, Name = theatreName, Address = address };
                db.Theatres.Add(theatre);
                db.MenuItems.AddRange(DemoCatalog.Menu.Select(item => new MenuItem
                {
                    TheatreId = theatre.Id,
                    Name = item.Name,
                    Kind = item.Kind,
                    Price = item.Price,
                    TaxRate = 5m,
                    Veg = item.Veg,
                    StockPerShow = item.Stock,
                    UpdatedAt = now,
                }));
                foreach (var (screenName, bands, blocked) in DemoCatalog.Screens)
                {
                    var screen = new Screen { TheatreId = theatre.Id, Name = screenName };
                    screen.Seats.AddRange(DemoCatalog.Seats(bands, blocked));
                    db.Screens.Add(screen);
                    AddShows(db, screen, movies, screenNumber++, today, zone, now);
                }
            }
        }

        db.Offers.Add(new Offer
        {
            Code = DemoCatalog.OfferCode,
            Description = "10 % off your tickets, up to ₹100, once.",
            Discount = OfferDiscount.Percent,
            Percent = 10m,
            Cap = 10_000,
            ValidFrom = now,
            ValidUntil = now.AddYears(1),
            PerUserLimit = 1,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await ShowInventory.MaterialiseMissingAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // Shows for today (those not yet started) and the next seven days, rotating films across screens and slots.
    private static void AddShows(
        MovieBookingDb db, Screen screen, Movie[] movies, int screenNumber, DateOnly today, TimeZoneInfo zone, DateTimeOffset now)
    {
        for (var day = 0; day <= Days; day++)
        {
            var date = today.AddDays(day);
            for (var slot = 0; slot < DemoCatalog.ShowTimes.Length; slot++)
            {
                var startsAt = CityTime.AtLocal(date, DemoCatalog.ShowTimes[slot], zone);
                if (startsAt <= now)
                {
                    continue;
                }

                var movie = movies[(screenNumber * 3 + slot + day) % movies.Length];
                var evening = DemoCatalog.ShowTimes[slot].Hour >= 17;
                var show = new Show
                {
                    MovieId = movie.Id,
                    ScreenId = screen.Id,
                    StartsAt = startsAt,
                    EndsAt = startsAt.AddMinutes(movie.DurationMinutes + 15),
                    Language = movie.Languages[(screenNumber + day) % movie.Languages.Count],
                    Format = movie.Genres.Contains("Sci-Fi") || movie.Genres.Contains("Animation") ? "3D" : "2D",
                };
                show.Prices.AddRange(Enum.GetValues<SeatCategory>()
                    .Select(category => new ShowPrice { Category = category, Amount = DemoCatalog.Price(category, evening) }));
                db.Shows.Add(show);
            }
        }
    }
}
