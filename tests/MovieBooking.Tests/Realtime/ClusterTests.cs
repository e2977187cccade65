using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MovieBooking.Servers;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Realtime;

/// <summary>
/// <c>scripts/cluster.sh</c>: PostgreSQL, Redis, three instances and nginx on loopback, started and stopped as the
/// README shows, with real HTTP clients going through nginx.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"moviebooking-cluster-{Guid.NewGuid():N}");
    private int _port;

    public Uri Url { get; private set; } = null!;

    /// <summary>The running cluster's controls: faults, and its database for invariant checks.</summary>
    public MovieBooking.Chaos.ClusterControl Control { get; private set; } = null!;

    /// <summary>Settings every instance of the cluster gets, beside the script's own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>An admin's catalogue builder and a theatre of the demo owner, made once for the fixture's tests.</summary>
    internal Task<(CatalogBuilder Catalog, string Theatre)>? Catalog { get; set; }

    public async Task InitializeAsync()
    {
        // nginx, three instances, PostgreSQL, six Redis nodes and the replica use the port and the eighteen after it;
        // each Redis node its cluster bus 10000 above its own.
        do
        {
            _port = ExternalProcess.FreeTcpPort();
        }
        while (_port > 55_500
            || !Enumerable.Range(1, 18).All(offset => IsFree(_port + offset))
            || !Enumerable.Range(12, 6).All(offset => IsFree(_port + offset + 10_000)));

        Url = new Uri($"http://127.0.0.1:{_port}");
        Control = new MovieBooking.Chaos.ClusterControl(Path.Combine(RepositoryRoot(), "scripts", "cluster.sh"), _directory, _port);
        await RunScriptAsync("start", TimeSpan.FromMinutes(8));
    }

    public async Task DisposeAsync()
    {
        await RunScriptAsync("stop", TimeSpan.FromMinutes(1));
        Directory.Delete(_directory, recursive: true);
    }

    private Task RunScriptAsync(string command, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string>(Settings)
        {
            ["RateLimiting__Auth__PermitLimit"] = "100000",
            ["RateLimiting__Holds__PermitLimit"] = "100000",
        };
        return Control.RunAsync([command], timeout, environment);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MovieBooking.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (MovieBooking.slnx) is not above the test binaries.");
    }
}

/// <summary>The seat races of the holds issue, and the live seat map, through nginx against three instances.</summary>
[Collection(Clusters.Name)]
public sealed class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Racing_clients_through_nginx_get_one_hold_per_seat_across_three_instances()
    {
        var show = await ShowAsync();
        var shoppers = await ShoppersAsync(32);

        var same = await RaceAsync(shoppers, show, _ => ["C5", "C6"]);
        Assert.Single(same, r => r.Status == HttpStatusCode.Created);
        Assert.All(same.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Equal("application/problem+json", r.MediaType);
        });

        // Overlapping pairs (A,B), (B,C), …: never a deadlock or a 500, and no seat held twice.
        var overlapping = await RaceAsync(shoppers, show, i => [$"B{i % 5 + 1}", $"B{i % 5 + 2}"]);
        Assert.All(overlapping, r => Assert.Contains(r.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var granted = overlapping.Where(r => r.Status == HttpStatusCode.Created).SelectMany(r => r.Seats).ToList();
        Assert.Equal(granted.Count, granted.Distinct().Count());

        var distinct = await RaceAsync(shoppers.Take(6).ToArray(), show, i => [$"A{i + 1}"]);
        Assert.All(distinct, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        var map = await SeatMapAsync(show);
        Assert.Equal(2 + granted.Count + distinct.Count, map.Values.Count(s => s == "HELD"));
    }

    [Fact]
    public async Task A_watcher_through_nginx_sees_holds_made_through_any_instance()
    {
        var show = await ShowAsync();
        var shoppers = await ShoppersAsync(6);
        using var client = new HttpClient { BaseAddress = cluster.Url };
        await using var watcher = await SeatWatch.OpenAsync(client, show);
        Assert.Equal("snapshot", (await watcher.NextAsync()).Type);

        // nginx spreads the holds over the three instances; the watcher is on one of them.
        var seats = new[] { "A1", "A2", "A3", "A4", "A5", "A6" };
        await Task.WhenAll(shoppers.Select((shopper, i) => HoldAsync(shopper, show, seats[i])));
        await watcher.UntilAsync(s => seats.All(seat => s[seat] == "HELD"));
        Assert.Equal(await SeatMapAsync(show), watcher.Seats);
    }

    [Fact]
    public async Task A_path_with_a_nul_character_is_a_400_problem_through_the_load_balancer()
    {
        using var client = new HttpClient { BaseAddress = cluster.Url };
        foreach (var path in new[] { "/api/holds/%00", "/api/shows/abc%00def/seats" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("NUL", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The instances' own problems pass through as they are.
        using (var unknown = await client.GetAsync(new Uri($"/api/shows/{Guid.NewGuid()}", UriKind.Relative)))
        {
            var problem = await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
            Assert.Contains("/api/shows/", problem.GetProperty("instance").GetString(), StringComparison.Ordinal);
        }
    }

    private static async Task<List<(HttpStatusCode Status, string? MediaType, string[] Seats)>> RaceAsync(
        HttpClient[] clients, string show, Func<int, string[]> seatsOf)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = clients.Select(async (client, i) =>
        {
            var seats = seatsOf(i);
            await start.Task;
            using var response = await client.PostAsJsonAsync($"/api/shows/{show}/holds", new { seatIds = seats });
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, seats);
        }).ToList();
        start.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private async Task<string> ShowAsync()
    {
        var (catalog, theatre) = await (cluster.Catalog ??= CatalogAsync());
        var screen = await catalog.ScreenAsync(theatre);
        return await catalog.ShowAsync(screen, startsAt: DateTimeOffset.UtcNow.AddDays(3));
    }

    private async Task<(CatalogBuilder Catalog, string Theatre)> CatalogAsync()
    {
        var admin = await SignedInAsync(Accounts.AdminEmail, Accounts.AdminPassword);
        var owner = await SignedInAsync(Accounts.OwnerEmail, Accounts.OwnerPassword);
        var ownerId = (await owner.GetJsonAsync("/api/users/me")).GetProperty("id").GetString()!;
        var catalog = new CatalogBuilder(admin, DateTimeOffset.UtcNow);
        return (catalog, await catalog.TheatreAsync(ownerId));
    }

    private async Task<HttpClient[]> ShoppersAsync(int count) => await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
    {
        var email = $"cluster-shopper{i}-{Guid.NewGuid():N}@example.com";
        using var anonymous = new HttpClient { BaseAddress = cluster.Url };
        await anonymous.RegisterAsync(email, "Shopper#2026", $"Shopper {i}");
        return await SignedInAsync(email, "Shopper#2026");
    }));

    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = new HttpClient { BaseAddress = cluster.Url };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        var token = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task HoldAsync(HttpClient client, string show, string seat)
    {
        using var response = await client.PostAsJsonAsync($"/api/shows/{show}/holds", new { seatIds = new[] { seat } });
        await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private async Task<Dictionary<string, string>> SeatMapAsync(string show)
    {
        using var client = new HttpClient { BaseAddress = cluster.Url };
        return await client.SeatStatusesAsync(show);
    }
}

/// <summary>Clusters start one at a time: each takes the machine's cores, and a chaos run must not starve another's tests.</summary>
[CollectionDefinition(Name)]
public sealed class Clusters
{
    public const string Name = "Clusters on loopback";
}
