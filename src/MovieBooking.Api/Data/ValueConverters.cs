using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MovieBooking.Api.Data;

/// <summary>Stores an enum as its UPPER_SNAKE_CASE name, the same spelling the API uses.</summary>
internal sealed class UpperSnakeCaseEnumConverter<TEnum>()
    : ValueConverter<TEnum, string>(value => NameOf(value), name => Parse(name))
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => ToName(v));

    private static readonly FrozenDictionary<string, TEnum> Values =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => ToName(v), v => v, StringComparer.Ordinal);

    public static string NameOf(TEnum value) => Names[value];

    public static TEnum Parse(string name) => Values[name];

    private static string ToName(TEnum value) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    /// <summary>The SQL list of every stored name, for CHECK constraints: <c>'AVAILABLE', 'HELD'</c>.</summary>
    public static string SqlList => string.Join(", ", Names.Values.Select(n => $"'{n}'"));
}

internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    value => DateTimeOffset.FromUnixTimeMilliseconds(value));

/// <summary>The spelling of documents stored as JSON: camelCase, enums by their UPPER_SNAKE_CASE name, as the API writes.</summary>
internal static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
    };
}

/// <summary>Stores a value read and written whole (never queried inside) as one JSON document.</summary>
internal sealed class JsonValueConverter<T>() : ValueConverter<T, string>(
    value => JsonSerializer.Serialize(value, StoredJson.Options),
    json => JsonSerializer.Deserialize<T>(json, StoredJson.Options)!)
    where T : class?;

/// <summary>Two documents are equal when they serialise alike; a snapshot is a copy through JSON.</summary>
internal sealed class JsonValueComparer<T>() : ValueComparer<T>(
    (a, b) => JsonSerializer.Serialize(a, StoredJson.Options) == JsonSerializer.Serialize(b, StoredJson.Options),
    value => JsonSerializer.Serialize(value, StoredJson.Options).GetHashCode(StringComparison.Ordinal),
    value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, StoredJson.Options), StoredJson.Options)!)
    where T : class?;
