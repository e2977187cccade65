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
    private static readonly Dictionary<string, (int[] Expected, Func<Actors, Task<Send>> Prepare)> Endpoints = new()
    {
        ["POST /api/cities"] = ([401, 403, 403, 403, 201], CreateCity),
        ["PUT /api/cities/{id}"] = ([401, 403, 403, 403, 200], UpdateCity),
        ["DELETE /api/cities/{id}"] = ([401, 403, 403, 403, 204], DeleteCity),
        ["POST /api/movies"] = ([401, 403, 403, 403, 201], CreateMovie),
        ["PUT /api/movies/{id}"] = ([401, 403, 403, 403, 200], UpdateMovie),
        ["DELETE /api/movies/{id}"] = ([401, 403, 403, 403, 204], DeleteMovie),
        ["POST /api/theatres"] = ([401, 403, 403, 403, 201], CreateTheatre),
        ["PUT /api/theatres/{id}"] = ([401, 403, 403, 200, 200], UpdateTheatre),
        ["DELETE /api/theatres/{id}"] = ([401, 403, 403, 403, 204], DeleteTheatre),
        ["POST /api/theatres/{id}/screens"] = ([401, 403, 403, 201, 201], CreateScreen),
        ["PUT /api/screens/{id}"] = ([401, 403, 403, 200, 200], UpdateScreen),
        ["DELETE /api/screens/{id}"] = ([401, 403, 403, 204, 204], DeleteScreen),
        ["POST /api/shows"] = ([401, 403, 403, 201, 201], CreateShow),
        ["PUT /api/shows/{id}"] = ([401, 403, 403, 200, 200], UpdateShow),
        ["POST /api/shows/{id}/cancel"] = ([401, 403, 403, 200, 200], CancelShow),
        ["DELETE /api/shows/{id}"] = ([401, 403, 403, 204, 204], DeleteShow),
        ["PUT /api/users/{id}/role"] = ([401, 403, 403, 403, 200], ChangeRole),
    };

    /// <summary>Sends the request under test with the given client.</summary>
    private delegate Task<HttpResponseMessage> Send(HttpClient client);

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

    private static Task<Send> CreateCity(Actors a) => Task.FromResult<Send>(c => c.PostJsonAsync("/api/cities", a.Catalog.CityBody()));

    private static async Task<Send> UpdateCity(Actors a)
    {
        var id = await a.Catalog.CityAsync();
        return c => c.PutJsonAsync($"/api/cities/{id}", a.Catalog.CityBody());
    }

    private static async Task<Send> DeleteCity(Actors a) => Delete($"/api/cities/{await a.Catalog.CityAsync()}");

    private static Task<Send> CreateMovie(Actors a) => Task.FromResult<Send>(c => c.PostJsonAsync("/api/movies", a.Catalog.MovieBody()));

    private static async Task<Send> UpdateMovie(Actors a)
    {
        var id = await a.Catalog.MovieAsync();
        return c => c.PutJsonAsync($"/api/movies/{id}", a.Catalog.MovieBody());
    }

    private static async Task<Send> DeleteMovie(Actors a) => Delete($"/api/movies/{await a.Catalog.MovieAsync()}");

    private static async Task<Send> CreateTheatre(Actors a)
    {
        var city = await a.Catalog.CityAsync();
        return c => c.PostJsonAsync("/api/theatres", new { cityId = city, name = "Matrix Theatre", address = "9 Matrix Lane, Pune", ownerId = a.OwnerId });
    }

    private static async Task<Send> UpdateTheatre(Actors a)
    {
        var id = await a.Catalog.TheatreAsync(a.OwnerId);
        return c => c.PutJsonAsync($"/api/theatres/{id}", new { name = "Renamed Theatre", address = "10 New Road, Pune" });
    }

    private static async Task<Send> DeleteTheatre(Actors a) => Delete($"/api/theatres/{await a.Catalog.TheatreAsync(a.OwnerId)}");

    private static async Task<Send> CreateScreen(Actors a)
    {
        var theatre = await a.Catalog.TheatreAsync(a.OwnerId);
        return c => c.PostJsonAsync($"/api/theatres/{theatre}/screens", a.Catalog.ScreenBody());
    }

    private static async Task<Send> UpdateScreen(Actors a)
    {
        var screen = await FreshScreenAsync(a);
        return c => c.PutJsonAsync($"/api/screens/{screen}", a.Catalog.ScreenBody());
    }

    private static async Task<Send> DeleteScreen(Actors a) => Delete($"/api/screens/{await FreshScreenAsync(a)}");

    private static async Task<Send> CreateShow(Actors a)
    {
        var screen = await FreshScreenAsync(a);
        var movie = await a.Catalog.MovieAsync();
        return c => c.PostJsonAsync("/api/shows", a.Catalog.ShowBody(movie, screen));
    }

    private static async Task<Send> UpdateShow(Actors a)
    {
        var (show, movie, screen) = await FreshShowAsync(a);
        var body = a.Catalog.ShowBody(movie, screen);
        return c => c.PutJsonAsync($"/api/shows/{show}", body);
    }

    private static async Task<Send> CancelShow(Actors a)
    {
        var (show, _, _) = await FreshShowAsync(a);
        return c => c.PostAsync(new Uri($"/api/shows/{show}/cancel", UriKind.Relative), null);
    }

    private static async Task<Send> DeleteShow(Actors a) => Delete($"/api/shows/{(await FreshShowAsync(a)).Show}");

    private static async Task<Send> ChangeRole(Actors a)
    {
        var id = await a.Anonymous.RegisterAsync($"matrix-{Guid.NewGuid():N}@example.com");
        return c => c.PutJsonAsync($"/api/users/{id}/role", new { role = "TheatreOwner" });
    }

    private static Send Delete(string url) => c => c.DeleteAsync(new Uri(url, UriKind.Relative));

    private static async Task<string> FreshScreenAsync(Actors a) => await a.Catalog.ScreenAsync(await a.Catalog.TheatreAsync(a.OwnerId));

    private static async Task<(string Show, string Movie, string Screen)> FreshShowAsync(Actors a)
    {
        var screen = await FreshScreenAsync(a);
        var movie = await a.Catalog.MovieAsync();
        return (await a.Catalog.ShowAsync(screen, movie), movie, screen);
    }
}

public sealed class SqliteRoleMatrixTests(SqliteAppFixture fixture) : RoleMatrixTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresRoleMatrixTests(PostgresAppFixture fixture) : RoleMatrixTests(fixture), IClassFixture<PostgresAppFixture>;
