using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace MovieBooking.Api.Infrastructure;

/// <summary>A 429 problem answer with a <c>Retry-After</c> header.</summary>
public sealed class TooManyRequestsProblem(TimeSpan? retryAfter, string detail) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext) =>
        RateLimitingExtensions.WriteTooManyRequestsAsync(httpContext, retryAfter, detail);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));
    }
}
