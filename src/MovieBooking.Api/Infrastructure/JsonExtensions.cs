using System.Text.Json;
using System.Text.Json.Serialization;

namespace MovieBooking.Api.Infrastructure;

public static class JsonExtensions
{
    /// <summary>Enums travel as UPPER_SNAKE_CASE names (<c>AVAILABLE</c>, <c>RECLINER</c>), as the domain speaks of them.</summary>
    public static WebApplicationBuilder AddApiJson(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false)));
        return builder;
    }
}
