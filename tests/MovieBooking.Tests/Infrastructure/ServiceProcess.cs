using System.Diagnostics;
using System.Text;

namespace MovieBooking.Tests.Infrastructure;

/// <summary>
/// The service as its README runs it: its own process (the build beside the tests), in a working directory of its
/// own where it keeps <c>./data/</c>, on a free port, stopped at the end.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly StringBuilder _output = new();
    private Process _process;

    private ServiceProcess(ProcessStartInfo start, string directory, int port)
    {
        _start = start;
        Directory = directory;
        Port = port;
        _process = Launch();
    }

    private Process Launch()
    {
        var process = Process.Start(_start) ?? throw new InvalidOperationException("The service did not start.");
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Stops the process as a crash would and starts it again on the same port and data, until it is ready.</summary>
    public async Task RestartAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = Launch();
        await WaitUntilReadyAsync();
    }

    public string Directory { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The service's build in the tests' own folder (the project reference puts it there).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "MovieBooking.Api.dll");

    /// <summary>Starts the service in Development (demo data, development secrets), as <c>dotnet run</c> does.</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"moviebooking-service-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var port = MovieBooking.Servers.ExternalProcess.FreeTcpPort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Assembly);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new ServiceProcess(info, directory, port);
    }

    /// <summary>Waits until the service answers readiness, or fails with what it printed.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("api/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The service was not ready in time:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself and gives its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        using var cancellation = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
