using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MovieBooking.Api.Data;
using MovieBooking.Api.Identity;

namespace MovieBooking.Api.Infrastructure;

/// <summary>The first answer to a user's <c>Idempotency-Key</c>, replayed for 24 hours.</summary>
public sealed class IdempotencyRecord
{
    public Guid UserId { get; init; }
    public required string Key { get; init; }

    /// <summary>SHA-256 of the method, path and request body: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }

    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    public string? Body { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Marks an operation that takes an <c>Idempotency-Key</c> header (for its documentation).</summary>
public sealed class IdempotentOperation
{
    public const string Header = "Idempotency-Key";
}

public static class IdempotencyExtensions
{
    /// <summary>Makes the operation safe to retry with an <c>Idempotency-Key</c> (see <see cref="IdempotencyFilter"/>).</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().WithMetadata(new IdempotentOperation());
}

/// <summary>
/// Makes a creating POST safe to retry: with an <c>Idempotency-Key</c> header, the same key from the same user within
/// 24 hours gets the first successful answer again (status, body, Location); a different request under the key is a
/// 422; a repeat while the first is still running is a 409. Error answers are not kept, so they can be retried.
/// </summary>
public sealed class IdempotencyFilter(IServiceProvider services, CurrentUser user, TimeProvider time, IOptions<JsonOptions> json) : IEndpointFilter
{
    private MovieBookingDb? _db;

    // Requests without a key never touch the database here.
    private MovieBookingDb Db => _db ??= services.GetRequiredService<MovieBookingDb>();

    public const string Header = "Idempotency-Key";
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values) || !user.IsAuthenticated)
        {
            return await next(context);
        }

        var key = values.ToString();
        if (key.Length is 0 or > 200 || key.Any(char.IsControl))
        {
            return ApiProblems.Invalid(Header, "An idempotency key is 1 to 200 printable characters.");
        }

        var cancellationToken = http.RequestAborted;
        var now = time.GetUtcNow();
        var hash = RequestHash(http, context.Arguments);
        var userId = user.Id;
        await Db.IdempotencyRecords.Where(r => r.UserId == userId && r.Key == key && r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);

        Db.IdempotencyRecords.Add(new IdempotencyRecord { UserId = userId, Key = key, RequestHash = hash, CreatedAt = now, ExpiresAt = now + Retention });
        try
        {
            await Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            Db.ChangeTracker.Clear();
            return await ReplayAsync(userId, key, hash, cancellationToken);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ForgetAsync(userId, key);
            throw;
        }

        await RememberAsync(userId, key, result, cancellationToken);
        return result;
    }

    private async Task<IResult> ReplayAsync(Guid userId, string key, string hash, CancellationToken cancellationToken)
    {
        var first = await Db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Key == key, cancellationToken);
        if (first is null)
        {
            return ApiProblems.Conflict("Request in progress", "A request with this idempotency key just ended; retry shortly.");
        }

        if (first.RequestHash != hash)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                detail: "This idempotency key was used for a different request.");
        }

        return first.Completed
            ? new StoredResult(first.StatusCode, first.Body, first.Location)
            : ApiProblems.Conflict("Request in progress", "A request with this idempotency key is still running; retry shortly.");
    }

    private async Task RememberAsync(Guid userId, string key, object? result, CancellationToken cancellationToken)
    {
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status >= 400)
        {
            await ForgetAsync(userId, key);
            return;
        }

        var value = (inner as IValueHttpResult)?.Value;
        var body = value is null ? null : JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions);
        var location = LocationOf(inner);
        await Db.IdempotencyRecords.Where(r => r.UserId == userId && r.Key == key).ExecuteUpdateAsync(r => r
            .SetProperty(x => x.Completed, true)
            .SetProperty(x => x.StatusCode, status)
            .SetProperty(x => x.Body, body)
            .SetProperty(x => x.Location, location), cancellationToken);
    }

    private async Task ForgetAsync(Guid userId, string key) =>
        await Db.IdempotencyRecords.Where(r => r.UserId == userId && r.Key == key).ExecuteDeleteAsync(CancellationToken.None);

    private static string? LocationOf(IResult? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    private string RequestHash(HttpContext http, IList<object?> arguments)
    {
        var bodies = arguments.Where(a => a is not null && a.GetType().Name.EndsWith("Request", StringComparison.Ordinal))
            .Select(a => JsonSerializer.Serialize(a, a!.GetType(), json.Value.SerializerOptions));
        var text = $"{http.Request.Method} {http.Request.Path}\n{string.Join('\n', bodies)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The stored first answer, written back as it was.</summary>
    private sealed class StoredResult(int statusCode, string? body, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            if (body is not null)
            {
                httpContext.Response.ContentType = "application/json; charset=utf-8";
                await httpContext.Response.WriteAsync(body);
            }
        }
    }
}
