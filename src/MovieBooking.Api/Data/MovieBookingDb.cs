using Microsoft.EntityFrameworkCore;
using MovieBooking.Api.Bookings;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Food;
using MovieBooking.Api.Identity;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Api.Invoices;
using MovieBooking.Api.Notifications;
using MovieBooking.Api.Offers;
using MovieBooking.Api.Payments;
using MovieBooking.Api.Pricing;
using MovieBooking.Api.Seating;
using MovieBooking.Api.Tickets;

namespace MovieBooking.Api.Data;

/// <summary>
/// The one model of the service. Each provider derives from it so that it carries its own migrations
/// (<see cref="SqliteMovieBookingDb"/>, <see cref="PostgresMovieBookingDb"/>).
/// </summary>
public abstract class MovieBookingDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<City> Cities => Set<City>();
    public DbSet<Movie> Movies => Set<Movie>();
    public DbSet<Theatre> Theatres => Set<Theatre>();
    public DbSet<Screen> Screens => Set<Screen>();
    public DbSet<ScreenSeat> ScreenSeats => Set<ScreenSeat>();
    public DbSet<Show> Shows => Set<Show>();
    public DbSet<ShowPrice> ShowPrices => Set<ShowPrice>();
    public DbSet<ShowSeat> ShowSeats => Set<ShowSeat>();
    public DbSet<PricePlan> PricePlans => Set<PricePlan>();
    public DbSet<Offer> Offers => Set<Offer>();
    public DbSet<MenuItem> MenuItems => Set<MenuItem>();
    public DbSet<BookingFood> BookingFood => Set<BookingFood>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceSeries> InvoiceSeries => Set<InvoiceSeries>();
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();
    public DbSet<AccountLink> AccountLinks => Set<AccountLink>();
    public DbSet<Revocation> Revocations => Set<Revocation>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<BookingSeat> BookingSeats => Set<BookingSeat>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();
    public DbSet<SandboxOrder> SandboxOrders => Set<SandboxOrder>();
    public DbSet<SandboxRefund> SandboxRefunds => Set<SandboxRefund>();
    public DbSet<SandboxWebhook> SandboxWebhooks => Set<SandboxWebhook>();
    public DbSet<Ticket> Tickets => Set<Ticket>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MovieBookingDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<SeatCategory>().HaveConversion<UpperSnakeCaseEnumConverter<SeatCategory>>().HaveMaxLength(16);
        configurationBuilder.Properties<SeatStatus>().HaveConversion<UpperSnakeCaseEnumConverter<SeatStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<GapRule>().HaveConversion<UpperSnakeCaseEnumConverter<GapRule>>().HaveMaxLength(16);
        configurationBuilder.Properties<BookingStatus>().HaveConversion<UpperSnakeCaseEnumConverter<BookingStatus>>().HaveMaxLength(20);
        configurationBuilder.Properties<Role>().HaveConversion<UpperSnakeCaseEnumConverter<Role>>().HaveMaxLength(16);
        configurationBuilder.Properties<PaymentStatus>().HaveConversion<UpperSnakeCaseEnumConverter<PaymentStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<ShowStatus>().HaveConversion<UpperSnakeCaseEnumConverter<ShowStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<MenuItemKind>().HaveConversion<UpperSnakeCaseEnumConverter<MenuItemKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<InvoiceKind>().HaveConversion<UpperSnakeCaseEnumConverter<InvoiceKind>>().HaveMaxLength(16);
        configurationBuilder.Properties<OfferDiscount>().HaveConversion<UpperSnakeCaseEnumConverter<OfferDiscount>>().HaveMaxLength(16);
        configurationBuilder.Properties<NotificationKind>().HaveConversion<UpperSnakeCaseEnumConverter<NotificationKind>>().HaveMaxLength(24);
        configurationBuilder.Properties<NotificationChannel>().HaveConversion<UpperSnakeCaseEnumConverter<NotificationChannel>>().HaveMaxLength(8);
        configurationBuilder.Properties<NotificationStatus>().HaveConversion<UpperSnakeCaseEnumConverter<NotificationStatus>>().HaveMaxLength(8);
        configurationBuilder.Properties<AccountLinkPurpose>().HaveConversion<UpperSnakeCaseEnumConverter<AccountLinkPurpose>>().HaveMaxLength(16);
    }
}

public sealed class SqliteMovieBookingDb(DbContextOptions<SqliteMovieBookingDb> options) : MovieBookingDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no instant type; Unix milliseconds keep comparisons and ORDER BY in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }
}

public sealed class PostgresMovieBookingDb(DbContextOptions<PostgresMovieBookingDb> options) : MovieBookingDb(options);
