using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// Query parameters of every list: <c>?page=1&amp;pageSize=20</c>. A page size outside 1–100 is refused like a page
/// below 1, never silently changed.
/// </summary>
public sealed record PageRequest(
    [property: Range(1, PageRequest.MaxPage), Description("1-based page number.")] int Page = 1,
    [property: Range(1, PageRequest.MaxPageSize), Description("Items per page, 1 to 100.")] int PageSize = 20)
{
    public const int MaxPage = 1_000_000;
    public const int MaxPageSize = 100;

    internal int Size => PageSize;
    internal int Skip => (int)Math.Min((long)(Page - 1) * Size, int.MaxValue);
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class PageExtensions
{
    /// <summary>One page of an ordered query plus the total count of the unpaged query.</summary>
    public static async Task<PagedList<T>> ToPageAsync<T>(this IQueryable<T> ordered, PageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = await ordered.CountAsync(cancellationToken);
        var items = total <= request.Skip
            ? []
            : await ordered.Skip(request.Skip).Take(request.Size).ToListAsync(cancellationToken);
        return new PagedList<T>(items, request.Page, request.Size, total);
    }
}
