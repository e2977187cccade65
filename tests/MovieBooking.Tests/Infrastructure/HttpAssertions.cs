using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MovieBooking.Tests.Infrastructure;

public static class HttpAssertions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What gives away .NET in a message: type names such as <c>System.Int32</c>, <c>Nullable&lt;DateOnly&gt;</c>, <c>List`1</c>.</summary>
    private static readonly System.Text.RegularExpressions.Regex DotNetTerms = new(@"System\.[A-Z]|Nullable<|`1|Microsoft\.[A-Z]|MovieBooking\.Api");

    /// <summary>Asserts the status and reads the JSON body as a document.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return await response.ReadJsonAsync(expected);
    }

    /// <summary>Asserts an RFC 9457 problem answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync(expected);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        // Every problem says what kind it is, and speaks to API users, not in .NET's terms.
        Assert.True(problem.TryGetProperty("type", out var type) && !string.IsNullOrEmpty(type.GetString()), $"A problem without a type: {problem}");
        Assert.DoesNotMatch(DotNetTerms, problem.ToString());
        return problem;
    }

    public static async Task<JsonElement> GetProblemAsync(this HttpClient client, string url, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return await response.ReadProblemAsync(expected);
    }

    public static T Read<T>(this JsonElement element) => element.Deserialize<T>(Json)!;

    public static async Task<T> GetAsync<T>(this HttpClient client, string url) =>
        (await client.GetFromJsonAsync<T>(new Uri(url, UriKind.Relative), Json))!;
}
