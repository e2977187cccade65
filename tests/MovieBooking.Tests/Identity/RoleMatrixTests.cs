using System.Net;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Identity;

/// <summary>
/// Every write endpoint of the catalogue and of accounts, called by each kind of person on a fresh target,
/// answers exactly the status the role rules give, on every database.
/// </summary>
public abstract class RoleMatrixTests(AppFixture fixture)
{
    // Expected status per actor: anonymous, user, owner of another theatre, owner of this theatre, admin.
    private static readonly Dictionary<string, (int[] Expected, Func<Actors, Task<Func<HttpClient, Task<HttpResponseMessage>>>> Prepare)> Endpoints = new()
    {
        ["POST /api/cities"] = ([401, 403, 403, 403, 201], a => Ready(c => c.PostJsonAsync("/api/cities", a.Catalog.CityBody()))),
        ["PUT /api/cities/{id}"] = ([401, 403, 403, 403, 200], async a =>
        {
            var id = await a.Catalog.CityAsync();
            return c => c.PutJsonAsync($"/api/cities/{id}", a.Catalog.CityBody());
        }),
        ["DELETE /api/cities/{id}"] = ([401, 403, 403, 403, 204], async a =>
        {
            var id = await a.Catalog.CityAsync();
            return c => c.DeleteAsync(new Uri($"/api/cities/{id}", UriKind.Relative));
        }),
        ["POST /api/movies"] = ([401, 403, 403, 403, 201], a => Ready(c => c.PostJsonAsync("/api/movies", a.Catalog.MovieBody()))),
        ["PUT /api/movies/{id}"] = ([401, 403, 403, 403, 200], async a =>
        {
            var id = await a.Catalog.MovieAsync();
            return c => c.PutJsonAsync($"/api/movies/{id}", a.Catalog.MovieBody());
        }),
        ["DELETE /api/movies/{id}"] = ([401, 403, 403, 403, 204], async a =>
        {
            var id = await a.Catalog.MovieAsync();
            return c => c.DeleteAsync(new Uri($"/api/movies/{id}", UriKind.Relative));
        }),
        ["POST /api/theatres"] = ([401, 403, 403, 403, 201], async a =>
        {
            var city = await a.Catalog.CityAsync();
            return c => c.PostJsonAsync("/api/theatres", new { cityId = city, name = "Matrix Theatre", address = "9 Matrix Lane, Pune", ownerId = a.OwnerId });
        }),
        ["PUT /api/theatres/{id}"] = ([401, 403, 403, 200, 200], async a =>
        {
            var id = await a.Catalog.TheatreAsync(a.OwnerId);
            return c => c.PutJsonAsync($"/api/theatres/{id}", new { name = "Renamed Theatre", address = "10 New Road, Pune" });
        }),
        ["DELETE /api/theatres/{id}"] = ([401, 403, 403, 403, 204], async a =>
        {
            var id = await a.Catalog.TheatreAsync(a.OwnerId);
            return c => c.DeleteAsync(new Uri($"/api/theatres/{id}", UriKind.Relative));
        }),
        ["POST /api/theatres/{id}/screens"] = ([401, 403, 403, 201, 201], async a =>
        {
            var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
            return c => c.PostJsonAsync($"/api/theatres/{theatre}/screens", a.Catalog.ScreenBody());
        }),
        ["PUT /api/screens/{id}"] = ([401, 403, 403, 200, 200], async a =>
        {
            var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
            return c => c.PutJsonAsync($"/api/screens/{screen}", a.Catalog.ScreenBody());
        }),
        ["DELETE /api/screens/{id}"] = ([401, 403, 403, 204, 204], async a =>
        {
            var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
            return c => c.DeleteAsync(new Uri($"/api/screens/{screen}", UriKind.Relative));
        }),
        ["POST /api/shows"] = ([401, 403, 403, 201, 201], async a =>
        {
            var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
            var movie = await a.Catalog.MovieAsync();
            return c => c.PostJsonAsync("/api/shows", a.Catalog.ShowBody(movie, screen));
        }),
        ["PUT /api/shows/{id}"] = ([401, 403, 403, 200, 200], async a =>
        {
            var (show, movie, screen) = await FreshShowAsync(a);
            var body = a.Catalog.ShowBody(movie, screen);
            return c => c.PutJsonAsync($"/api/shows/{show}", body);
        }),
        ["POST /api/shows/{id}/cancel"] = ([401, 403, 403, 200, 200], async a =>
        {
            var (show, _, _) = await FreshShowAsync(a);
            return c => c.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null);
        }),
        ["DELETE /api/shows/{id}"] = ([401, 403, 403, 204, 204], async a =>
        {
            var (show, _, _) = await FreshShowAsync(a);
            return c => c.DeleteAsync(new Uri($"/api/shows/{show}", UriKind.Relative));
        }),
        ["PUT /api/users/{id}/role"] = ([401, 403, 403, 403, 200], async a =>
        {
            var id = await a.Anonymous.RegisterAsync($"matrix-{Guid.NewGuid():N}@example.com");
            return c => c.PutJsonAsync($"/api/users/{id}/role", new { role = "TheatreOwner" });
        }),
    };

    public static TheoryData<string, string, int> Cases()
    {
        var cases = new TheoryData<string, string, int>();
        foreach (var (endpoint, (expected, _)) in Endpoints)
        {
            for (var i = 0; i < Actors.Names.Length; i++)
            {
                cases.Add(endpoint, Actors.Names[i], expected[i]);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_actor_gets_exactly_the_status_of_its_role(string endpoint, string actor, int expected)
    {
        var actors = await fixture.ActorsAsync();
        var send = await Endpoints[endpoint].Prepare(actors);

        using var response = await send(actors.Named(actor));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{endpoint} as {actor}: expected {expected}, got {(int)response.StatusCode} {body}");
        if (expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static Task<Func<HttpClient, Task<HttpResponseMessage>>> Ready(Func<HttpClient, Task<HttpResponseMessage>> send) =>
        Task.FromResult(send);

    private static async Task<(string Show, string Movie, string Screen)> FreshShowAsync(Actors a)
    {
        var screen = await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));
        var movie = await a.Catalog.MovieAsync();
        return (await a.Catalog.ShowAsync(screen, movie), movie, screen);
    }
}

public sealed class SqliteRoleMatrixTests(SqliteAppFixture fixture) : RoleMatrixTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresRoleMatrixTests(PostgresAppFixture fixture) : RoleMatrixTests(fixture), IClassFixture<PostgresAppFixture>;
