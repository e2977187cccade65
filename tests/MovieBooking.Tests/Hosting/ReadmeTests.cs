using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MovieBooking.Tests.Infrastructure;

namespace MovieBooking.Tests.Hosting;

/// <summary>
/// The README's curl flow, run as written against the service started as the README starts it, so neither its
/// commands nor its example outputs can drift from what the service does.
/// </summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public async Task The_readme_flow_runs_as_written_and_prints_what_it_says()
    {
        var script = FlowScript(await File.ReadAllTextAsync(ReadmePath()));
        await using var service = ServiceProcess.Start();
        await service.WaitUntilReadyAsync();

        var path = Path.Combine(service.Directory, "flow.sh");
        await File.WriteAllTextAsync(path, Harness(service.Port) + script);
        var (exitCode, output) = await RunAsync("bash", path, service.Directory);

        Assert.True(exitCode == 0, $"The README flow failed ({exitCode}):\n{output}\n--- service ---\n{service.Output}");
        Assert.True(File.Exists(Path.Combine(service.Directory, "ticket.png")), "The flow saved no ticket.png.");
        Assert.Contains("checked:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Booking__HoldTtl", "soon", "Booking:HoldTtl")]
    [InlineData("Booking__MaxSeatsPerUser", "11", "Booking:MaxSeatsPerUser")]
    [InlineData("Database__Provider", "Mongo", "Database:Provider")]
    [InlineData("PORT", "99999", "PORT")]
    [InlineData("Redis__Configuration", "localhost:6379,abortConnect=maybe", "Redis:Configuration")]
    [InlineData("Role", "Scheduler", "Role")]
    public async Task A_bad_setting_stops_the_service_with_one_line_naming_it_and_exit_code_1(string variable, string value, string named)
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(1, await service.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("The service cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"System\.|Exception|   at ", line);
    }

    /// <summary>
    /// The first bash block after "## The API flow". A line whose comment is an example output (JSON or a quoted
    /// string) is checked against what its command prints.
    /// </summary>
    private static string FlowScript(string readme)
    {
        var section = readme[readme.IndexOf("## The API flow", StringComparison.Ordinal)..];
        var block = FencedBash().Match(section);
        Assert.True(block.Success, "The README has no bash block in its API flow.");
        var script = new StringBuilder();
        var number = 0;
        var pending = "";
        foreach (var physical in block.Groups["code"].Value.Split('\n'))
        {
            number++;
            if (physical.EndsWith('\\'))
            {
                // A command continued on the next line is checked as one.
                pending += physical[..^1] + " ";
                continue;
            }

            var line = pending + physical;
            pending = "";
            var check = ExpectedOutput().Match(line);
            if (check.Success && !line.TrimStart().StartsWith('#'))
            {
                var expected = check.Groups["expected"].Value.Trim();
                script.AppendLine($"actual=$({check.Groups["command"].Value.Trim()})");
                script.AppendLine($"expect {number} '{expected.Replace("'", "'\\''", StringComparison.Ordinal)}' \"$actual\"");
            }
            else
            {
                script.AppendLine(line);
            }
        }

        return script.ToString();
    }

    /// <summary>Stops at the first failing command (curl fails on an error answer) and compares example outputs as JSON.</summary>
    private static string Harness(int port) => $$"""
        set -euo pipefail
        curl() { command curl --fail-with-body --max-time 20 "$@"; }
        expect() {
          if [ "$(jq -cS . <<<"$2")" != "$(jq -cS . <<<"$3")" ]; then
            echo "README line $1: expected $2, got $3" >&2; exit 1
          fi
          echo "checked: line $1"
        }
        trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

        """ + $"api_port={port}\n";

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string script, string directory)
    {
        var text = (await File.ReadAllTextAsync(script)).Replace("http://localhost:5000/api", "http://127.0.0.1:$api_port/api", StringComparison.Ordinal);
        await File.WriteAllTextAsync(script, text);
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string ReadmePath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "MovieBooking.slnx")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("README.md of the repository");
    }

    [GeneratedRegex("```bash\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBash();

    [GeneratedRegex(@"^(?<command>[^#]+?)\s+#\s+(?:\d+\.\s+[^{""]*?)?(?<expected>[{""\[].*)$")]
    private static partial Regex ExpectedOutput();
}
