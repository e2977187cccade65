using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MovieBooking.Servers;

/// <summary>Runs the command-line tools that start and stop throwaway servers.</summary>
public static class ExternalProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a program to completion; a non-zero exit fails with its output.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        using var process = Start(fileName, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cancellation.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        return await output;
    }

    /// <summary>Runs a program as the given user; root uses runuser, anyone else runs it as themselves.</summary>
    public static Task<string> RunAsAsync(string? user, string fileName, IEnumerable<string> arguments) =>
        user is null || !IsRoot
            ? RunAsync(fileName, arguments)
            : RunAsync("runuser", ["-u", user, "--", fileName, .. arguments]);

    public static Process Start(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Finds a program on PATH or in the given directories.</summary>
    public static string? Find(string name, params string[] directories) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(directories)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
