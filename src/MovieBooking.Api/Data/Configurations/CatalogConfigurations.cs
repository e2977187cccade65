using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MovieBooking.Api.Catalog;
using MovieBooking.Api.Identity;

namespace MovieBooking.Api.Data.Configurations;

internal sealed class CityConfiguration : IEntityTypeConfiguration<City>
{
    public void Configure(EntityTypeBuilder<City> city)
    {
        city.Property(c => c.Name).HasMaxLength(100);
        city.Property(c => c.Slug).HasMaxLength(100);
        city.Property(c => c.TimeZone).HasMaxLength(64);
        city.HasIndex(c => c.Slug).IsUnique();
    }
}

internal sealed class MovieConfiguration : IEntityTypeConfiguration<Movie>
{
    public void Configure(EntityTypeBuilder<Movie> movie)
    {
        movie.Property(m => m.Title).HasMaxLength(200);
        movie.Property(m => m.Description).HasMaxLength(4000);
        movie.Property(m => m.Certificate).HasMaxLength(8);
        movie.Property(m => m.PosterUrl).HasMaxLength(2048);
        movie.HasIndex(m => m.Title);
        movie.ToTable(t => t.HasCheckConstraint("ck_movies_duration", "duration_minutes > 0"));
    }
}

internal sealed class TheatreConfiguration : IEntityTypeConfiguration<Theatre>
{
    public void Configure(EntityTypeBuilder<Theatre> theatre)
    {
        theatre.Property(t => t.Name).HasMaxLength(200);
        theatre.Property(t => t.Address).HasMaxLength(500);
        theatre.HasOne(t => t.City).WithMany().HasForeignKey(t => t.CityId).OnDelete(DeleteBehavior.Restrict);
        theatre.HasOne<User>().WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Restrict);
        theatre.HasMany(t => t.Screens).WithOne(s => s.Theatre).HasForeignKey(s => s.TheatreId).OnDelete(DeleteBehavior.Restrict);
        theatre.Property(t => t.CancellationPolicy).HasConversion(new JsonValueConverter<Pricing.CancellationPolicy?>(), new JsonValueComparer<Pricing.CancellationPolicy?>());
        theatre.ToTable(t => t.HasCheckConstraint("ck_theatres_gap_rule", $"gap_rule IN ({UpperSnakeCaseEnumConverter<Seating.GapRule>.SqlList})"));
    }
}

internal sealed class ScreenConfiguration : IEntityTypeConfiguration<Screen>
{
    public void Configure(EntityTypeBuilder<Screen> screen)
    {
        screen.Property(s => s.Name).HasMaxLength(100);
        screen.Property(s => s.FocalRow).HasMaxLength(4);
        screen.HasIndex(s => new { s.TheatreId, s.Name }).IsUnique();
        screen.HasMany(s => s.Seats).WithOne().HasForeignKey(s => s.ScreenId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScreenSeatConfiguration : IEntityTypeConfiguration<ScreenSeat>
{
    public void Configure(EntityTypeBuilder<ScreenSeat> seat)
    {
        seat.HasKey(s => new { s.ScreenId, s.Label });
        seat.Property(s => s.Label).HasMaxLength(8);
        seat.Property(s => s.Row).HasMaxLength(4);
        seat.Property(s => s.Column).HasColumnName("column_number");
        // Two seats cannot stand in one place.
        seat.HasIndex(s => new { s.ScreenId, s.RowIndex, s.Column }).IsUnique();
        seat.ToTable(t =>
        {
            t.HasCheckConstraint("ck_screen_seats_category", $"category IN ({UpperSnakeCaseEnumConverter<SeatCategory>.SqlList})");
            t.HasCheckConstraint("ck_screen_seats_position", "number > 0 AND column_number >= 0 AND row_index >= 0");
        });
    }
}

internal sealed class ShowConfiguration : IEntityTypeConfiguration<Show>
{
    public void Configure(EntityTypeBuilder<Show> show)
    {
        show.Property(s => s.Language).HasMaxLength(40);
        show.Property(s => s.Format).HasMaxLength(20);
        show.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
        show.HasOne(s => s.Movie).WithMany().HasForeignKey(s => s.MovieId).OnDelete(DeleteBehavior.Restrict);
        show.HasOne(s => s.Screen).WithMany().HasForeignKey(s => s.ScreenId).OnDelete(DeleteBehavior.Restrict);
        show.HasMany(s => s.Prices).WithOne().HasForeignKey(p => p.ShowId).OnDelete(DeleteBehavior.Cascade);
        show.HasIndex(s => new { s.ScreenId, s.StartsAt });
        show.HasIndex(s => new { s.MovieId, s.StartsAt });
        show.ToTable(t =>
        {
            t.HasCheckConstraint("ck_shows_status", $"status IN ({UpperSnakeCaseEnumConverter<ShowStatus>.SqlList})");
            t.HasCheckConstraint("ck_shows_times", "ends_at > starts_at");
        });
    }
}

internal sealed class ShowPriceConfiguration : IEntityTypeConfiguration<ShowPrice>
{
    public void Configure(EntityTypeBuilder<ShowPrice> price)
    {
        price.HasKey(p => new { p.ShowId, p.Category });
        price.ToTable(t =>
        {
            t.HasCheckConstraint("ck_show_prices_category", $"category IN ({UpperSnakeCaseEnumConverter<SeatCategory>.SqlList})");
            t.HasCheckConstraint("ck_show_prices_amount", "amount >= 0");
        });
    }
}
