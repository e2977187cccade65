using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// Puts what the framework says about a request in the client's terms: field names as the JSON and query spell
/// them (<c>seatIds</c>, not <c>SeatIds</c>), expected values in words (<c>a date (yyyy-MM-dd)</c>), never a .NET
/// type name, and a <c>type</c> on every problem.
/// </summary>
internal static partial class ClientWording
{
    /// <summary>The problem type of a status: its section of RFC 9110 (or RFC 6585 for 429).</summary>
    public static string ProblemType(int? status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        406 => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        410 => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        504 => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        _ => "about:blank",
    };

    /// <summary>A request the framework could not bind, as the field it concerns and what was wrong, in the client's terms.</summary>
    public static (string Field, string Message) Describe(BadHttpRequestException exception, Type? bodyType)
    {
        if (exception.InnerException is JsonException json)
        {
            var field = JsonField(json.Path);
            if (ConvertedTo().Match(json.Message) is not { Success: true } conversion)
            {
                return (field, $"The body is not valid JSON: {WithoutLocation(json.Message)}");
            }

            // With a constructor-bound record the message names the record, not the field: the field's type is looked up.
            var expected = TypeAt(bodyType, field) is { } fieldType ? InWords(fieldType) : InWords(conversion.Groups["type"].Value);
            return (field, $"The value is not {expected}.");
        }

        if (Parameter().Match(exception.Message) is { Success: true } parameter)
        {
            var name = CamelSegment(parameter.Groups["name"].Value);
            var expected = InWords(parameter.Groups["type"].Value);
            if (exception.Message.StartsWith("Failed to bind", StringComparison.Ordinal) && FromValue().Match(exception.Message) is { Success: true } from)
            {
                return (name, $"\"{from.Groups["value"].Value}\" is not {expected}.");
            }

            if (exception.Message.StartsWith("Required parameter", StringComparison.Ordinal))
            {
                return (name, $"A value is required: {expected}.");
            }

            if (exception.Message.Contains("request body", StringComparison.Ordinal))
            {
                return ("$", "The body could not be read as JSON for this request.");
            }

            return (name, $"The value is not {expected}.");
        }

        if (exception.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return ("$", "A JSON body is required.");
        }

        return ("$", exception.Message);
    }

    private static string JsonField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return string.Join('.', field.Split('.').Select(CamelSegment));
    }

    /// <summary>The type of the property a JSON path (<c>prices[0].amount</c>) leads to in a body type, if it can be followed.</summary>
    private static Type? TypeAt(Type? bodyType, string field)
    {
        if (bodyType is null || field == "$")
        {
            return null;
        }

        var type = bodyType;
        foreach (var segment in field.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperties().FirstOrDefault(p => InputRules.JsonName(p) == name);
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? type;
            }
        }

        return type;
    }

    private static string InWords(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "a list" : InWords(type.Name);
    }

    /// <summary>What a value of a .NET type is, in words a client understands.</summary>
    private static string InWords(string typeName)
    {
        var type = typeName.Trim();
        if (NullableOf().Match(type) is { Success: true } nullable)
        {
            type = nullable.Groups["inner"].Value;
        }

        if (type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("List", StringComparison.Ordinal) || type.Contains("IEnumerable", StringComparison.Ordinal))
        {
            return "a list";
        }

        var simple = type[(type.LastIndexOf('.') + 1)..];
        return simple switch
        {
            "Guid" => "an id (a UUID such as 0195f3a2-7c1e-7b4a-9d2e-3f4a5b6c7d8e)",
            "DateOnly" => "a date (yyyy-MM-dd)",
            "DateTimeOffset" or "DateTime" => "a date and time with its offset (ISO 8601, such as 2026-12-24T18:30:00+05:30)",
            "TimeOnly" or "TimeSpan" => "a time (hh:mm:ss)",
            "Int32" or "int" or "Int64" or "long" or "Int16" or "short" => "a whole number",
            "Decimal" or "decimal" or "Double" or "double" or "Single" or "float" => "a number",
            "Boolean" or "bool" => "true or false",
            "String" or "string" => "text",
            _ when EnumNamed(simple) is { } values => $"one of {values}",
            _ => "an object of the documented shape",
        };
    }

    private static string? EnumNamed(string name)
    {
        var type = typeof(ClientWording).Assembly.GetTypes().FirstOrDefault(t => t.IsEnum && t.Name == name);
        if (type is null)
        {
            return null;
        }

        return string.Join(", ", type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false).OfType<JsonStringEnumMemberNameAttribute>().FirstOrDefault()?.Name
                ?? JsonNamingPolicy.SnakeCaseUpper.ConvertName(f.Name)));
    }

    private static string CamelSegment(string segment) =>
        segment.Length > 0 && char.IsUpper(segment[0]) ? JsonNamingPolicy.CamelCase.ConvertName(segment) : segment;

    private static string WithoutLocation(string message)
    {
        var at = message.IndexOf(" Path:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    [GeneratedRegex(@"converted to (?<type>[^.\s][^\s]*?)\.\s*Path", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();

    [GeneratedRegex("parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();

    [GeneratedRegex("from \"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex FromValue();

    [GeneratedRegex(@"^(System\.)?Nullable(`1\[|<)(?<inner>.+?)(\]|>)$", RegexOptions.CultureInvariant)]
    private static partial Regex NullableOf();
}
