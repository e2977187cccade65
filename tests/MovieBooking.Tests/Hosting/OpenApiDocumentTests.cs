using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

/// <summary>The OpenAPI document against the running endpoints, and against Redocly's recommended rules.</summary>
public sealed class OpenApiDocumentTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_document_describes_exactly_the_running_operations()
    {
        var document = await fixture.Client.GetJsonAsync("/openapi/v1.json");
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);

        var running = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method.ToLowerInvariant()} {Template(e.RoutePattern)}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(running.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(running).Order(StringComparer.Ordinal));
        Assert.True(running.Count >= 55, $"Only {running.Count} operations run.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_its_security_and_problem_answers()
    {
        var document = await fixture.Client.GetJsonAsync("/openapi/v1.json");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (method, path, operation) in Operations(document))
        {
            var name = $"{method} {path}";
            var id = operation.GetProperty("operationId").GetString();
            Assert.False(string.IsNullOrEmpty(id), $"{name} has no operationId");
            Assert.True(ids.Add(id!), $"{name} repeats the operationId {id}");
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), $"{name} has no summary");
            Assert.True(operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 1, $"{name} declares no security");

            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("400", out _), $"{name} does not document its 400");
            foreach (var response in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                Assert.True(response.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name} {response.Name} is not a problem");
            }

            if (security[0].TryGetProperty("Bearer", out _))
            {
                Assert.True(responses.TryGetProperty("401", out _), $"{name} is signed in but documents no 401");
            }

            foreach (var parameter in operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : default)
            {
                if (parameter.GetProperty("in").GetString() == "query")
                {
                    Assert.True(char.IsLower(parameter.GetProperty("name").GetString()![0]), $"{name} has the query parameter {parameter.GetProperty("name")}");
                }
            }
        }

        foreach (var (method, path) in new[] { ("post", "/api/shows/{showId}/holds"), ("post", "/api/bookings"), ("post", "/api/bookings/{bookingId}/payments") })
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
            Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        }

        var login = document.GetProperty("paths").GetProperty("/api/auth/login").GetProperty("post").GetProperty("responses");
        Assert.True(login.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        var movie = document.GetProperty("components").GetProperty("schemas").GetProperty("MovieRequest");
        Assert.Equal(["certificate", "genres", "languages", "releaseDate", "title"], movie.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_document_passes_redoclys_recommended_lint_without_errors()
    {
        var directory = Directory.CreateTempSubdirectory("moviebooking-openapi-");
        try
        {
            var file = Path.Combine(directory.FullName, "openapi.json");
            await File.WriteAllTextAsync(file, (await fixture.Client.GetJsonAsync("/openapi/v1.json")).GetRawText());
            var info = new ProcessStartInfo("npx") { WorkingDirectory = directory.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--yes", "@redocly/cli@2.77.0", "lint", "--format=stylish", file })
            {
                info.ArgumentList.Add(argument);
            }

            using var lint = Process.Start(info)!;
            var output = lint.StandardOutput.ReadToEndAsync();
            var error = lint.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await lint.WaitForExitAsync(timeout.Token);
            var report = await output + await error;
            Assert.True(lint.ExitCode == 0, $"Redocly lint failed ({lint.ExitCode}):\n{report}");
            Assert.DoesNotContain("operation-operationId", report, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                yield return (operation.Name, path.Name, operation.Value);
            }
        }
    }

    /// <summary>A route as OpenAPI writes it: parameters without constraints, no trailing slash.</summary>
    private static string Template(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var path = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
