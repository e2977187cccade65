using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MovieBooking.Api.Infrastructure;

/// <summary>
/// The validation of every request input, checked before any handler runs (see <see cref="InputRulesFilter"/>):
/// each property's own attributes (<see cref="RequiredAttribute"/>, <see cref="StringLengthAttribute"/>,
/// <see cref="RangeAttribute"/>…) and <see cref="IValidatableObject"/>, at every depth, plus rules that hold for every
/// input whatever its type:
/// <list type="bullet">
/// <item>no <c>null</c> element in a list;</item>
/// <item>no control characters in text (tab and line breaks only where text is multi-line,
/// <see cref="DataType.MultilineText"/>) and no bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069),
/// which can make a name display as something else;</item>
/// <item>no lone UTF-16 surrogate (not a character at all);</item>
/// <item>text and lists without a limit of their own are capped (<see cref="DefaultMaxLength"/>,
/// <see cref="DefaultMaxItems"/>).</item>
/// </list>
/// Errors are keyed by the JSON path the client sent (<c>prices[0]</c>, <c>rows[2].seats[1].number</c>) and name
/// fields the same way in their messages.
/// </summary>
public static class InputRules
{
    /// <summary>The longest text accepted where a property sets no length of its own (an element of a list of names, say).</summary>
    public const int DefaultMaxLength = 200;

    /// <summary>The most elements accepted in a list that sets no limit of its own.</summary>
    public const int DefaultMaxItems = 1000;

    private static readonly ConcurrentDictionary<Type, Member[]> Shapes = new();

    /// <summary>The first character that text may not contain, with its position, or null when the text is clean.</summary>
    public static (int Index, string Reason)? FindForbidden(string text, bool multiline)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return (i, "a lone surrogate (not a character)");
            }

            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return (i, $"the control character U+{(int)c:X4}");
            }

            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return (i, $"the bidirectional formatting character U+{(int)c:X4}");
            }
        }

        return null;
    }

    /// <summary>Checks a bound input (a body, a set of query parameters, a route or query value) and adds what breaks a rule.</summary>
    public static void Check(object? value, string path, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Walk(value, path, Limits.Default, errors, depth: 0);
    }

    /// <summary>Whether values of the type are walked into: the service's own request shapes.</summary>
    public static bool IsShape(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.Assembly == typeof(InputRules).Assembly && type is { IsClass: true } or { IsValueType: true, IsEnum: false, IsPrimitive: false };
    }

    /// <summary>The name a client uses for a property: its <see cref="JsonPropertyNameAttribute"/> or its camel-cased name.</summary>
    public static string JsonName(MemberInfo member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }

    private static void Walk(object? value, string path, Limits limits, Dictionary<string, string[]> errors, int depth)
    {
        // Request shapes are shallow; the depth bound only guards against a cycle.
        if (value is null || depth > 8)
        {
            return;
        }

        switch (value)
        {
            case string text:
                CheckText(text, path, limits, errors);
                return;
            case IDictionary:
                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    var itemPath = $"{path}[{index}]";
                    if (item is null)
                    {
                        Add(errors, itemPath, "An element of the list is null; every element needs a value.");
                    }
                    else
                    {
                        Walk(item, itemPath, Limits.Default, errors, depth + 1);
                    }

                    index++;
                }

                if (index > limits.MaxItems)
                {
                    Add(errors, path, $"The list has {index} elements; at most {limits.MaxItems} are accepted.");
                }

                return;
        }

        if (!IsShape(value.GetType()))
        {
            return;
        }

        foreach (var member in Shapes.GetOrAdd(value.GetType(), Describe))
        {
            var memberValue = member.Property.GetValue(value);
            var memberPath = Join(path, member.JsonName);
            if (member.Attributes.Length > 0)
            {
                var context = new ValidationContext(value) { MemberName = member.Property.Name, DisplayName = member.JsonName };
                var failed = false;
                foreach (var attribute in member.Attributes)
                {
                    if (attribute.GetValidationResult(memberValue, context) is { ErrorMessage: { } message })
                    {
                        Add(errors, memberPath, message);
                        failed = true;
                        if (attribute is RequiredAttribute)
                        {
                            break;
                        }
                    }
                }

                if (failed && memberValue is null)
                {
                    continue;
                }
            }

            Walk(memberValue, memberPath, member.Limits, errors, depth + 1);
        }

        if (value is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(value)))
            {
                var names = result.MemberNames.Any() ? result.MemberNames : [""];
                foreach (var name in names)
                {
                    Add(errors, name.Length == 0 ? path : Join(path, JsonNamingPolicy.CamelCase.ConvertName(name)), result.ErrorMessage ?? "The value is not valid.");
                }
            }
        }
    }

    private static void CheckText(string text, string path, Limits limits, Dictionary<string, string[]> errors)
    {
        if (limits.MaxLength is { } max && text.Length > max)
        {
            Add(errors, path, $"The text is {text.Length} characters long; at most {max} are accepted.");
        }

        if (FindForbidden(text, limits.Multiline) is { } forbidden)
        {
            Add(errors, path, $"The text contains {forbidden.Reason} at position {forbidden.Index}; use printable characters only.");
        }
    }

    private static Member[] Describe(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => new Member(p, JsonName(p), [.. p.GetCustomAttributes<ValidationAttribute>(inherit: true)], Limits.Of(p)))];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static void Add(Dictionary<string, string[]> errors, string path, string message)
    {
        var key = path.Length == 0 ? "$" : path;
        errors[key] = errors.TryGetValue(key, out var known) ? [.. known, message] : [message];
    }

    private sealed record Member(PropertyInfo Property, string JsonName, ValidationAttribute[] Attributes, Limits Limits);

    /// <summary>What a property allows: its own length limit (checked by its attribute, so not again here), lines, elements.</summary>
    private sealed record Limits(int? MaxLength, bool Multiline, int MaxItems)
    {
        public static readonly Limits Default = new(DefaultMaxLength, false, DefaultMaxItems);

        public static Limits Of(PropertyInfo property)
        {
            var attributes = property.GetCustomAttributes(inherit: true).ToArray();
            var ownLength = attributes.Any(a => a is StringLengthAttribute or MaxLengthAttribute or RegularExpressionAttribute or EnumDataTypeAttribute);
            var multiline = attributes.OfType<DataTypeAttribute>().Any(a => a.DataType == DataType.MultilineText);
            var maxItems = attributes.OfType<MaxLengthAttribute>().FirstOrDefault()?.Length ?? DefaultMaxItems;
            return new Limits(ownLength ? null : DefaultMaxLength, multiline, maxItems);
        }
    }
}

/// <summary>
/// Applies <see cref="InputRules"/> to every argument a handler receives from the request (bodies, query and route
/// values), answering a 400 validation problem before the handler runs when one breaks a rule. Arguments the
/// request does not supply (services, the <see cref="HttpContext"/>, the cancellation token) are left alone. A query
/// parameter the operation does not take is refused too, rather than silently ignored (a misspelt filter would
/// otherwise return everything).
/// </summary>
public static class InputRulesFilter
{
    public static TBuilder WithInputRules<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory(Create);
        return builder;
    }

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var isService = context.ApplicationServices.GetService<Microsoft.Extensions.DependencyInjection.IServiceProviderIsService>();
        var parameters = context.MethodInfo.GetParameters();
        var checkedArguments = parameters
            .Select((parameter, index) => (parameter, index))
            .Where(p => FromRequest(p.parameter, isService))
            .Select(p => (p.index, Path: p.parameter.GetCustomAttribute<AsParametersAttribute>() is null ? PathOf(p.parameter) : ""))
            .ToArray();
        // A handler that reads the request itself may read any query parameter.
        var queryNames = parameters.Any(p => p.ParameterType == typeof(HttpContext) || p.ParameterType == typeof(HttpRequest))
            ? null
            : QueryNames(parameters, isService);

        return async invocation =>
        {
            Dictionary<string, string[]>? errors = null;
            if (queryNames is not null)
            {
                foreach (var key in invocation.HttpContext.Request.Query.Keys)
                {
                    if (!queryNames.Contains(key))
                    {
                        (errors ??= [])[key] = [queryNames.Count == 0
                            ? $"This operation takes no query parameters; '{key}' is not one."
                            : $"'{key}' is not a query parameter of this operation; it takes {string.Join(", ", queryNames.Order(StringComparer.Ordinal))}."];
                    }
                }
            }

            foreach (var (index, path) in checkedArguments)
            {
                var found = new Dictionary<string, string[]>();
                InputRules.Check(invocation.Arguments[index], path, found);
                foreach (var (key, messages) in found)
                {
                    (errors ??= [])[key] = messages;
                }
            }

            return errors is null ? await next(invocation) : TypedResults.ValidationProblem(errors);
        };
    }

    /// <summary>The query (and route) names the handler binds: simple parameters and the properties of <c>[AsParameters]</c> records.</summary>
    private static HashSet<string> QueryNames(ParameterInfo[] parameters, Microsoft.Extensions.DependencyInjection.IServiceProviderIsService? isService)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters)
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    names.Add(property.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name));
                }
            }
            else if (IsSimple(parameter.ParameterType) && isService?.IsService(parameter.ParameterType) != true
                && parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromHeaderAttribute>() is null)
            {
                names.Add(parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromQueryAttribute>()?.Name ?? parameter.Name ?? "");
            }
        }

        return names;
    }

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(string[]) || type == typeof(Guid) || type == typeof(decimal)
            || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(TimeOnly) || type == typeof(TimeSpan);
    }

    private static bool FromRequest(ParameterInfo parameter, Microsoft.Extensions.DependencyInjection.IServiceProviderIsService? isService)
    {
        var type = parameter.ParameterType;
        if (type == typeof(string) || type == typeof(string[]))
        {
            return true;
        }

        return InputRules.IsShape(type) && isService?.IsService(type) != true
            && parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromServicesAttribute>() is null;
    }

    /// <summary>A body's errors are keyed from its root (<c>seatIds[0]</c>); a query or route value's by its name.</summary>
    private static string PathOf(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(string) || parameter.ParameterType == typeof(string[])
            ? parameter.Name ?? ""
            : "";
}
