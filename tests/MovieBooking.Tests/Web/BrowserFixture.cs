using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Web;

/// <summary>
/// The service as its own process on a loopback port, and Debian's Chromium driven by Playwright (no browser is
/// downloaded): <c>MOVIEBOOKING_CHROMIUM</c> overrides the default <c>/usr/bin/chromium</c>.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public static readonly ViewportSize Phone = new() { Width = 375, Height = 812 };
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    private IPlaywright? _playwright;

    public ServiceProcess Service { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => Service.BaseAddress;

    /// <summary>Settings of the service under test, beyond Development's.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    /// <summary>
    /// Whatever the time of day, the flow may pick a show hours away: doors open for every show at once here (the
    /// window has its own tests).
    /// </summary>
    private static readonly Dictionary<string, string> Defaults = new() { ["Tickets__CheckInOpensBefore"] = "7.00:00:00" };

    public virtual async Task InitializeAsync()
    {
        Service = ServiceProcess.Start(new Dictionary<string, string>(Defaults.Concat(Settings).GroupBy(p => p.Key).Select(g => g.Last())));
        await Service.WaitUntilReadyAsync();
        // A test machine running the whole suite on two cores can take longer than Playwright's 5 s to draw a page.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MOVIEBOOKING_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox"],
            Headless = true,
        });
    }

    /// <summary>A fresh browser context (its own cookies and storage) at a viewport, whose pages report console errors.</summary>
    public async Task<BrowserSession> NewSessionAsync(ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = viewport ?? Desktop,
            Locale = "en-IN",
        });
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Service.DisposeAsync();
    }
}

/// <summary>One person's browser: a context and its page, with what the page printed as errors.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _errors = [];
    private readonly List<string> _console = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            lock (_console)
            {
                _console.Add($"{message.Type}: {message.Text}");
                if (message.Type == "error")
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_console)
            {
                _errors.Add(error);
                _console.Add($"pageerror: {error}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_console)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>
    /// A free seat of the show on the page that one person may hold under its theatre's gap rule: the best one for a
    /// party of one, as the service picks it now (a seat chosen by its place on the map could leave a neighbour alone).
    /// </summary>
    public async Task<ILocator> FreeSeatAsync()
    {
        var show = System.Text.RegularExpressions.Regex.Match(Page.Url, "/shows/([0-9a-f-]{36})").Groups[1].Value;
        var best = await Page.APIRequest.GetAsync($"/api/shows/{show}/best-seats?count=1");
        Assert.True(best.Ok, $"No free seat for one at show {show}: {await best.TextAsync()}");
        var seat = (await best.JsonAsync())!.Value.GetProperty("seatIds")[0].GetString();
        return Page.Locator($".seat[data-id='{seat}']");
    }

    /// <summary>Signs in through the page's dialog (it opens when an action needs it).</summary>
    public async Task SignInThroughDialogAsync(string email, string password)
    {
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Sign in" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Email").FillAsync(email);
        await dialog.GetByLabel("Password").FillAsync(password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>axe-core's serious and critical violations on the page as it is now.</summary>
    public async Task<IReadOnlyList<string>> SeriousAccessibilityViolationsAsync()
    {
        AxeResult result = await Page.RunAxe();
        return [.. result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Take(3).Select(n => n.Html))}")];
    }

    /// <summary>
    /// Saves a screenshot for the documentation when <c>MOVIEBOOKING_SCREENSHOTS</c> names a folder (the README's pictures
    /// are made this way: <c>MOVIEBOOKING_SCREENSHOTS=$PWD/docs/screenshots dotnet test --filter WebAppTests</c>).
    /// </summary>
    public async Task ScreenshotForDocsAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("MOVIEBOOKING_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = false });
        }
    }

    /// <summary>Keeps a screenshot and the console of a failed test beside the test output.</summary>
    public async Task SaveEvidenceAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "browser-failures");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
        lock (_console)
        {
            File.WriteAllLines(Path.Combine(folder, $"{name}.console.txt"), _console);
        }
    }

    /// <summary>Runs a test's steps, keeping the evidence (<see cref="SaveEvidenceAsync"/>) when one fails.</summary>
    public async Task KeepingEvidenceAsync(string name, Func<Task> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch
        {
            await SaveEvidenceAsync(name);
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
