using System.Collections.Frozen;
using System.Text.Json;
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
