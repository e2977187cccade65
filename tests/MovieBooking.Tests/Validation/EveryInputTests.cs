using System.Collections;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MovieBooking.Api.Data;
using MovieBooking.Api.Infrastructure;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Validation;

/// <summary>
/// Generated from the running service: every operation that takes a JSON body gets, at every text field and every
/// list anywhere in its shape (nested ones included), a bidirectional-override character and a null element. Each
/// must be a 400 problem naming that field by its JSON path, and change nothing in the database.
/// </summary>
public abstract class EveryInputTests(AppFixture fixture)
{
    [Fact]
    public async Task Every_text_field_and_list_of_every_body_is_validated_before_anything_changes()
    {
        var a = await fixture.ActorsAsync();
        var operations = BodyOperations().ToList();
        Assert.True(operations.Count >= 15, $"Only {operations.Count} operations with a JSON body were found.");
        var before = await DatabaseFingerprintAsync();
        var tried = 0;
        foreach (var (method, path, bodyType) in operations)
        {
            var sample = Sample(bodyType, 0);
            foreach (var (fieldPath, kind) in Fields(bodyType, ""))
            {
                var body = (JsonObject)sample.DeepClone();
                var expectedKey = Inject(body, fieldPath, kind, BadText[tried % BadText.Length]);
                using var response = await SendAsync(a, method, path, body);
                var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
                Assert.True(problem.GetProperty("errors").TryGetProperty(expectedKey, out _),
                    $"{method} {path} with a bad {expectedKey}: {problem}");
                tried++;
            }
        }

        Assert.True(tried >= 40, $"Only {tried} faults were injected.");
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    /// <summary>A right-to-left override that shows <c>exe.jpg</c> as <c>gpj.exe</c>'s mirror, a NUL, and an escape sequence.</summary>
    private static readonly string[] BadText = ["gpj.\u202Eexe", "Nul\u0000l", "\u001B[31mred"];

    private enum FieldKind
    {
        Text,
        List,
    }

    private IEnumerable<(string Method, string Path, Type BodyType)> BodyOperations()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not { RequestType: { } type } accepts
                || !accepts.ContentTypes.Contains("application/json") || !InputRules.IsShape(type))
            {
                continue;
            }

            var route = string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => Guid.NewGuid().ToString(),
                _ => "",
            }))));
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return (method, "/" + route, type);
            }
        }
    }

    /// <summary>Sent as the admin; an operation only some other role may use is sent as that role.</summary>
    private static async Task<HttpResponseMessage> SendAsync(Actors a, string method, string path, JsonObject body)
    {
        foreach (var client in new[] { a.Admin, a.User, a.Owner })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                return response;
            }

            response.Dispose();
        }

        throw new InvalidOperationException($"No role may use {method} {path}.");
    }

    /// <summary>A body of the type that binds: every property present with a value of its type.</summary>
    private static JsonNode Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return JsonValue.Create("Sample")!;
        }

        if (ElementType(type) is { } element)
        {
            return new JsonArray(Sample(element, depth + 1));
        }

        if (type.IsEnum)
        {
            var first = type.GetFields(BindingFlags.Public | BindingFlags.Static)[0];
            return JsonValue.Create(first.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseUpper.ConvertName(first.Name))!;
        }

        return type switch
        {
            _ when type == typeof(Guid) => JsonValue.Create(Guid.NewGuid()),
            _ when type == typeof(DateTimeOffset) => JsonValue.Create("2026-12-24T18:30:00+05:30")!,
            _ when type == typeof(DateOnly) => JsonValue.Create("2026-12-24")!,
            _ when type == typeof(TimeOnly) => JsonValue.Create("18:30:00")!,
            _ when type == typeof(TimeSpan) => JsonValue.Create("00:10:00")!,
            _ when type == typeof(bool) => JsonValue.Create(true),
            _ when type.IsPrimitive || type == typeof(decimal) => JsonValue.Create(1),
            _ when InputRules.IsShape(type) && depth < 6 => new JsonObject(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => KeyValuePair.Create(InputRules.JsonName(p), (JsonNode?)Sample(p.PropertyType, depth + 1)))),
            _ => throw new InvalidOperationException($"No sample for {type}."),
        };
    }

    /// <summary>Every text field and list in the type's shape, by JSON path (list elements at index 0).</summary>
    private static IEnumerable<(string Path, FieldKind Kind)> Fields(Type type, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            yield return (path, FieldKind.Text);
        }
        else if (ElementType(type) is { } element)
        {
            yield return (path, FieldKind.List);
            foreach (var field in Fields(element, $"{path}[0]"))
            {
                yield return field;
            }
        }
        else if (InputRules.IsShape(type) && !type.IsEnum)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = InputRules.JsonName(property);
                foreach (var field in Fields(property.PropertyType, path.Length == 0 ? name : $"{path}.{name}"))
                {
                    yield return field;
                }
            }
        }
    }

    /// <summary>Puts the fault at the path and returns the error key it must be reported under.</summary>
    private static string Inject(JsonObject body, string path, FieldKind kind, string badText)
    {
        var steps = path.Replace("[0]", ".[0]", StringComparison.Ordinal).Split('.');
        JsonNode parent = body;
        foreach (var step in steps[..^1])
        {
            parent = step == "[0]" ? parent.AsArray()[0]! : parent.AsObject()[step]!;
        }

        var last = steps[^1];
        if (kind == FieldKind.List)
        {
            var list = (last == "[0]" ? parent.AsArray()[0] : parent.AsObject()[last])!.AsArray();
            list.Insert(0, null);
            return $"{path}[0]";
        }

        if (last == "[0]")
        {
            parent.AsArray()[0] = badText;
        }
        else
        {
            parent.AsObject()[last] = badText;
        }

        return path;
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetGenericArguments() is [var element] ? element
        : null;

    /// <summary>A hash of every row of every table.</summary>
    private async Task<string> DatabaseFingerprintAsync() => await fixture.App.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct().Order(StringComparer.Ordinal))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            hash.AppendData(Encoding.UTF8.GetBytes(table!));
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes($"{reader.GetValue(i)}|"));
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    });
}

public sealed class SqliteEveryInputTests(SqliteAppFixture fixture) : EveryInputTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresEveryInputTests(PostgresAppFixture fixture) : EveryInputTests(fixture), IClassFixture<PostgresAppFixture>;
