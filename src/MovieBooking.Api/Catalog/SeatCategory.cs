namespace MovieBooking.Api.Catalog;

/// <summary>Price band of a seat. Serialised as <c>RECLINER</c>, <c>PRIME</c>, <c>CLASSIC</c>.</summary>
public enum SeatCategory
{
    Recliner,
    Prime,
    Classic,
}
