using Microsoft.AspNetCore.Http.HttpResults;

namespace MovieBooking.Api.Infrastructure;

/// <summary>The problem answers handlers give for expected outcomes.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string resource, object id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: $"{resource} not found",
            detail: $"No {resource.ToLowerInvariant()} has the id '{id}'.");
}
