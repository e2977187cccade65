using FsCheck;
using FsCheck.Fluent;
using MovieBooking.Api.Infrastructure;

namespace MovieBooking.Tests.Validation;

/// <summary>The text rule every request string obeys, as properties over generated text.</summary>
public sealed class InputRulesTests
{
    /// <summary>Characters a person types: Latin, Devanagari, Tamil, CJK, punctuation, spaces, and emoji (surrogate pairs).</summary>
    private static readonly Gen<string> Ordinary = Gen.Elements(
            "a", "Z", "0", " ", "-", "'", "&", "é", "ß", "अ", "क्ष", "த", "映", "画", "€", "₹", "🎬", "🍿", "👨‍👩‍👧", ".", ",", "(", ")")
        .ListOf()
        .Select(parts => string.Concat(parts));

    /// <summary>Every character the rule refuses in one-line text.</summary>
    private static readonly char[] Forbidden =
    [
        .. Enumerable.Range(0, 0x20).Select(c => (char)c),
        .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
        .. Enumerable.Range(0x202A, 5).Select(c => (char)c),
        .. Enumerable.Range(0x2066, 4).Select(c => (char)c),
        '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
    ];

    [Fact]
    public void Text_people_type_is_accepted() =>
        Prop.ForAll(Ordinary.ToArbitrary(), text => InputRules.FindForbidden(text, multiline: false) is null)
            .QuickCheckThrowOnFailure();

    [Fact]
    public void A_forbidden_character_anywhere_is_found_where_it_is() =>
        Prop.ForAll(
                (from text in Ordinary
                 from at in Gen.Choose(0, text.Length)
                 from bad in Gen.Elements(Forbidden)
                 select (Text: text.Insert(WholeCharacterAt(text, at), bad.ToString()), At: WholeCharacterAt(text, at))).ToArbitrary(),
                sample => InputRules.FindForbidden(sample.Text, multiline: false)?.Index == sample.At)
            .QuickCheckThrowOnFailure();

    [Fact]
    public void Line_breaks_and_tabs_are_accepted_only_in_multi_line_text() =>
        Prop.ForAll(
                (from text in Ordinary
                 from at in Gen.Choose(0, text.Length)
                 from space in Gen.Elements('\n', '\r', '\t')
                 select text.Insert(WholeCharacterAt(text, at), space.ToString())).ToArbitrary(),
                text => InputRules.FindForbidden(text, multiline: true) is null && InputRules.FindForbidden(text, multiline: false) is not null)
            .QuickCheckThrowOnFailure();

    /// <summary>A position at or before <paramref name="at"/> that does not split a surrogate pair.</summary>
    private static int WholeCharacterAt(string text, int at) =>
        at > 0 && at < text.Length && char.IsLowSurrogate(text[at]) ? at - 1 : at;
}
