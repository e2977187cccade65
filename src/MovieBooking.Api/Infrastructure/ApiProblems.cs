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

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>
    /// The <c>type</c> of a problem this API defines itself (one a client acts on, such as <c>seat-gap</c>), as a
    /// reference relative to the service; other problems' types are the HTTP status's section of RFC 9110.
    /// </summary>
    public static string TypeOf(string name) => $"/problems/{name}";

    /// <summary>A 400 validation problem with one message for one field.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
