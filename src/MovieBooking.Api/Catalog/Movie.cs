namespace MovieBooking.Api.Catalog;

public sealed class Movie
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public List<string> Languages { get; set; } = [];
    public List<string> Genres { get; set; } = [];
    public int DurationMinutes { get; set; }

    /// <summary>Censor certificate as printed on the poster: U, UA, UA13+, A, S.</summary>
    public required string Certificate { get; set; }

    public DateOnly ReleaseDate { get; set; }
    public string? PosterUrl { get; set; }
}
