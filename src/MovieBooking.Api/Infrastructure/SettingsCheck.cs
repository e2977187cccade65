using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MovieBooking.Api.Infrastructure;

/// <summary>A setting the service cannot start with, named with the values it accepts.</summary>
public sealed class SettingException : Exception
{
    public SettingException()
        : base("A setting is not valid.")
    {
    }

    public SettingException(string message)
        : base(message)
    {
    }

    public SettingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Checks every setting before the service starts and turns a bad one into one line on standard error and exit
/// code 1, instead of a stack trace and a crash: what an operator needs is the key and the values it accepts.
/// </summary>
public static partial class SettingsCheck
{
    /// <summary>Runs the settings' validation (what <c>ValidateOnStart</c> would run at start); the exit code on failure, else null.</summary>
    public static int? Failed(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().Name == "TestServer")
        {
            // An in-process test host starts the app itself and receives a bad setting as the exception it is.
            return null;
        }

        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (Exception exception) when (Describe(exception) is { } line)
        {
            return Refuse(line);
        }
    }

    /// <summary>Writes the reason the service does not start, on one line, and gives the exit code.</summary>
    public static int Refuse(string reason)
    {
        Console.Error.WriteLine($"The service cannot start: {reason}");
        return 1;
    }

    /// <summary>A failure to bind or validate settings, in one line; null for anything else.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        SettingException setting => setting.Message,
        OptionsValidationException invalid => string.Join(" ", invalid.Failures.Select(Unwrapped)),
        AggregateException many when many.InnerExceptions.All(e => Describe(e) is not null) =>
            string.Join(" ", many.InnerExceptions.Select(e => Describe(e))),
        InvalidOperationException conversion when NotConverted().Match(conversion.Message) is { Success: true } match =>
            $"{match.Groups["key"].Value} is '{match.Groups["value"].Value}', which is not {Expected(match.Groups["type"].Value)}.",
        _ => null,
    };

    /// <summary>A data-annotation failure carries its own message inside the framework's wording; the message is enough.</summary>
    private static string Unwrapped(string failure) =>
        AnnotationFailure().Match(failure) is { Success: true } match ? match.Groups["error"].Value : failure;

    private static string Expected(string type) => type[(type.LastIndexOf('.') + 1)..] switch
    {
        "TimeSpan" => "a duration such as 00:05:00 (hh:mm:ss, or d.hh:mm:ss)",
        "Int32" or "Int64" => "a whole number",
        "Decimal" or "Double" => "a number",
        "Boolean" => "true or false",
        var name when typeof(SettingsCheck).Assembly.GetTypes().FirstOrDefault(t => t.IsEnum && t.Name == name) is { } values =>
            $"one of {string.Join(", ", Enum.GetNames(values))}",
        _ => "a value of the expected form",
    };

    [GeneratedRegex("Failed to convert configuration value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex NotConverted();

    [GeneratedRegex("with the error: '(?<error>.*)'\\.?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex AnnotationFailure();
}
