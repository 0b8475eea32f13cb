using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Core.Config;
using OpenClaw.Testing;

namespace OpenClaw.Agents.Tests.Sandbox;

/// <summary>
/// The escape suite and the behaviour of the Linux backend, run for real through bubblewrap, each attempt the way the
/// <c>exec</c> tool runs it (<c>/bin/sh -c</c>, strict, a temp workspace). On Linux these fail, never skip, when
/// bubblewrap is missing: CI installs it (scripts/setup.sh).
/// </summary>
public sealed class BubblewrapSandboxTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly string _workspace;
    private readonly string _state;
    private readonly string _canary = "canary-" + Guid.NewGuid().ToString("N");
    private readonly SandboxProvider _provider = new();

    public BubblewrapSandboxTests()
    {
        Assert.True(OperatingSystem.IsLinux(), "The escape suite runs on Linux.");
        _workspace = _root.Combine("workspace");
        _state = _root.Combine("state");
        Directory.CreateDirectory(_workspace);
        Directory.CreateDirectory(Path.Combine(_state, "credentials"));
        File.WriteAllText(Path.Combine(_state, "credentials", "openai.json"), $"{{\"apiKey\":\"{_canary}\"}}");
        File.WriteAllText(Path.Combine(_state, "master.key"), _canary);
    }

    public void Dispose() => _root.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SandboxLimits Limits(int timeout = 30, int cpu = 20, int memoryMb = 256, int processes = 64, int output = 1 << 20) =>
        new(timeout, cpu, memoryMb, processes, output);

    private Task<SandboxResult> ShellAsync(string script, SandboxLimits? limits = null, SandboxLevel level = SandboxLevel.Strict, CancellationToken? cancellationToken = null) =>
        _provider.ForLevel(level).RunAsync(
            new SandboxRequest { Command = ["/bin/sh", "-c", script], WorkspacePath = _workspace, Level = level, Limits = limits ?? Limits() },
            cancellationToken ?? Ct);

    private static string All(SandboxResult result) => result.StandardOutput + result.StandardError;

    [Fact]
    public async Task The_backend_is_bubblewrap_and_it_works_here()
    {
        var sandbox = _provider.ForLevel(SandboxLevel.Strict);

        var availability = await sandbox.CheckAsync(Ct);

        Assert.Equal("bubblewrap", sandbox.Name);
        Assert.True(availability.Available, availability.Problem);
    }

    [Fact]
    public async Task Exit_code_stdout_and_stderr_come_back()
    {
        var result = await ShellAsync("echo out; echo err >&2; exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(SandboxTermination.Exited, result.Termination);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.False(result.OutputTruncated);
    }

    [Fact]
    public async Task A_file_written_in_the_workspace_is_on_the_host()
    {
        var result = await ShellAsync("pwd; echo \"$HOME\"; echo hello > made.txt");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/workspace\n/workspace\n", result.StandardOutput);
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(_workspace, "made.txt"), Ct));
    }

    [Fact]
    public async Task The_working_directory_is_inside_the_workspace()
    {
        Directory.CreateDirectory(Path.Combine(_workspace, "sub", "dir"));
        var request = new SandboxRequest { Command = ["/bin/pwd"], WorkspacePath = _workspace, WorkingDirectory = "sub/dir", Limits = Limits() };

        var result = await _provider.ForLevel(SandboxLevel.Strict).RunAsync(request, Ct);

        Assert.Equal("/workspace/sub/dir\n", result.StandardOutput);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _provider.ForLevel(SandboxLevel.Strict).RunAsync(request with { WorkingDirectory = "../state" }, Ct));
    }

    [Fact]
    public async Task Standard_input_is_the_requests_bytes_or_empty()
    {
        var request = new SandboxRequest
        {
            Command = ["/bin/sh", "-c", "cat; echo; test -t 0 || echo not-a-terminal"],
            WorkspacePath = _workspace,
            Limits = Limits(),
            StandardInput = Encoding.UTF8.GetBytes("from stdin"),
        };

        var withInput = await _provider.ForLevel(SandboxLevel.Strict).RunAsync(request, Ct);
        var without = await _provider.ForLevel(SandboxLevel.Strict).RunAsync(request with { StandardInput = default }, Ct);

        Assert.Equal("from stdin\nnot-a-terminal\n", withInput.StandardOutput);
        Assert.Equal("\nnot-a-terminal\n", without.StandardOutput);
    }

    [Fact]
    public async Task The_environment_is_the_allowlist_plus_the_requests_variables()
    {
        var request = new SandboxRequest
        {
            Command = ["/usr/bin/env"],
            WorkspacePath = _workspace,
            Limits = Limits(),
            Environment = new Dictionary<string, string> { ["GIT_AUTHOR_NAME"] = "agent" },
        };

        var result = await _provider.ForLevel(SandboxLevel.Strict).RunAsync(request, Ct);

        var names = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).Order();
        Assert.Equal(["GIT_AUTHOR_NAME", "HOME", "LANG", "PATH", "PWD", "TERM", "TMPDIR"], names);
    }

    [Fact]
    public async Task Escape_network_to_a_loopback_listener_fails_at_strict_and_works_at_relaxed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var script =
            $"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port} && echo bash-connected'; " +
            $"if command -v curl >/dev/null; then curl -s -m 5 -o /dev/null http://127.0.0.1:{port}/ && echo curl-connected; fi; true";

        var strict = await ShellAsync(script);

        Assert.DoesNotContain("connected", strict.StandardOutput, StringComparison.Ordinal);
        Assert.False(listener.Pending());

        // The same attempt gets through with the network on, so the strict result is the sandbox's doing.
        var relaxed = await ShellAsync($"bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port} && echo bash-connected'", level: SandboxLevel.Relaxed);
        Assert.Contains("bash-connected", relaxed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_writing_outside_the_workspace_lands_nowhere_on_the_host()
    {
        var name = "openclaw-escape-" + Guid.NewGuid().ToString("N");
        string[] targets = [$"/etc/{name}", $"/usr/{name}", $"/tmp/{name}", Path.Combine(_state, name), $"/root/{name}", $"/{name}", Path.Combine(_root.Path, name)];

        var result = await ShellAsync(string.Join("; ", targets.Select(t => $"echo x > '{t}' && echo wrote {t}")) + "; true");

        foreach (var target in targets)
        {
            Assert.False(File.Exists(target), $"{target} was written on the host: {All(result)}");
        }

        // Only the private /tmp is writable inside, and it vanishes with the sandbox.
        Assert.Equal($"wrote /tmp/{name}\n", result.StandardOutput);
    }

    [Fact]
    public async Task Escape_reading_credentials_and_the_master_key_fails()
    {
        var result = await ShellAsync(
            $"cat '{_state}/credentials/openai.json' '{_state}/master.key'; cat ~/.openclaw/credentials/* /root/.openclaw/master.key; " +
            "cat /etc/shadow; ls /root /home; grep -r canary- / 2>/dev/null | head -1; true");

        Assert.DoesNotContain(_canary, All(result), StringComparison.Ordinal);
        Assert.Contains("/etc/shadow: No such file", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_a_symlink_in_the_workspace_does_not_reach_the_outside_file()
    {
        File.CreateSymbolicLink(Path.Combine(_workspace, "key"), Path.Combine(_state, "master.key"));

        var result = await ShellAsync(
            $"cat key; ln -s '{_state}/credentials' creds && cat creds/openai.json; " +
            "ln -sf /etc/shadow swap && cat swap; ln -sfn / rootlink && cat rootlink/root/.bashrc; true");

        Assert.DoesNotContain(_canary, All(result), StringComparison.Ordinal);
        Assert.Contains("key: No such file", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_a_fork_bomb_is_bounded_and_the_host_stays_usable()
    {
        // Starting 200 sleeping processes fails at the limit of 20 (root is not bound by RLIMIT_NPROC: the cgroup is).
        var counted = await ShellAsync(
            "i=0; while [ $i -lt 200 ]; do sleep 60 & i=$((i+1)); done; echo all-started",
            Limits(timeout: 20, processes: 20));
        Assert.DoesNotContain("all-started", counted.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("fork", counted.StandardError, StringComparison.OrdinalIgnoreCase);

        var started = Stopwatch.StartNew();
        var bomb = await ShellAsync("bomb() { bomb | bomb & }; bomb; sleep 3", Limits(timeout: 5, processes: 32));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"the bomb ran {started.Elapsed}");
        Assert.NotEqual(SandboxTermination.OutputLimit, bomb.Termination);

        started.Restart();
        var after = await ShellAsync("true");
        Assert.Equal(0, after.ExitCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"a sandboxed true took {started.Elapsed} after the bomb");
    }

    [Fact]
    public async Task Escape_a_memory_bomb_is_killed_at_the_memory_limit()
    {
        var result = await ShellAsync("head -c 1024M /dev/zero | tail; echo survived-$?", Limits(memoryMb: 64));

        Assert.DoesNotContain("survived-0", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(SandboxTermination.MemoryLimit, result.Termination);
    }

    [Fact]
    public async Task Escape_an_infinite_loop_is_killed_at_the_timeout()
    {
        var started = Stopwatch.StartNew();

        var result = await ShellAsync("while :; do :; done", Limits(timeout: 1));

        Assert.Equal(SandboxTermination.TimedOut, result.Termination);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(1.5), $"took {started.Elapsed}");
        Assert.Empty(OrphansRunning("while :"));
    }

    [Fact]
    public async Task A_busy_loop_is_killed_at_the_cpu_limit()
    {
        var result = await ShellAsync("while :; do :; done", Limits(timeout: 60, cpu: 1));

        Assert.Equal(SandboxTermination.CpuLimit, result.Termination);
        Assert.Equal(128 + 24, result.ExitCode);
    }

    [Fact]
    public async Task Escape_an_output_flood_is_cut_with_a_marker()
    {
        var started = Stopwatch.StartNew();

        var result = await ShellAsync("yes flood", Limits(output: 10_000));

        Assert.Equal(SandboxTermination.OutputLimit, result.Termination);
        Assert.True(result.OutputTruncated);
        Assert.EndsWith("[output truncated: limit of 10000 bytes reached]\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(result.StandardOutput.Length < 10_000 + 100);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Escape_tiocsti_cannot_inject_into_a_terminal()
    {
        var result = await ShellAsync(
            "perl -e 'my $c = \"x\"; ioctl(STDIN, 0x5412, $c) or die \"stdin: $!\\n\"; print \"injected-stdin\\n\"'; " +
            "perl -e 'open(my $t, \"+<\", \"/dev/tty\") or die \"tty: $!\\n\"; my $c = \"x\"; ioctl($t, 0x5412, $c) or die \"ioctl: $!\\n\"; print \"injected-tty\\n\"'; true");

        Assert.DoesNotContain("injected", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("stdin: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("tty: ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_a_secret_in_the_gateways_environment_is_not_visible()
    {
        var name = "OPENCLAW_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, _canary);
        try
        {
            var result = await ShellAsync("env; cat /proc/1/environ; for f in /proc/[0-9]*/environ; do cat \"$f\"; done; echo end");

            Assert.EndsWith("end\n", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(_canary, All(result), StringComparison.Ordinal);
            Assert.DoesNotContain(name, All(result), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Cancelling_kills_the_process_within_a_second()
    {
        var marker = "61." + Random.Shared.Next(100, 999);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = ShellAsync($"touch started; exec sleep {marker}", cancellationToken: cts.Token);
        var startedFile = Path.Combine(_workspace, "started");
        var waiting = Stopwatch.StartNew();
        while (!File.Exists(startedFile))
        {
            Assert.True(waiting.Elapsed < TestTimeouts.Default, "the command never started");
            Assert.False(run.IsCompleted, "the run ended before it was cancelled");
            await Task.Yield();
            Thread.Sleep(5);
        }

        var cancelled = Stopwatch.StartNew();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(1), $"cancellation took {cancelled.Elapsed}");
        Assert.Empty(OrphansRunning("sleep " + marker));
    }

    /// <summary>Host processes whose command line contains <paramref name="text"/>.</summary>
    private static List<int> OrphansRunning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal) && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
