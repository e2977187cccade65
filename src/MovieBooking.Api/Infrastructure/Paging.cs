using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace MovieBooking.Api.Infrastructure;

/// <summary>Query parameters of every list: <c>?page=1&amp;pageSize=20</c>; page sizes above the cap are capped.</summary>
public sealed record PageRequest(
    [property: Range(1, int.MaxValue), Description("1-based page number.")] int Page = 1,
    [property: Range(1, int.MaxValue), Description("Items per page, at most 100.")] int PageSize = 20)
{
    public const int MaxPageSize = 100;

    internal int Size => Math.Min(PageSize, MaxPageSize);
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
