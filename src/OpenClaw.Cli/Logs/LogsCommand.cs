using System.CommandLine;
using System.Text;
using OpenClaw.Cli.Gateway;
using OpenClaw.Core;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Logs;

/// <summary><c>openclaw logs [--follow] [--lines N]</c>: the end of the gateway's newest log file, and what it writes next.</summary>
internal static class LogsCommand
{
    /// <summary>How often <c>--follow</c> looks for new lines.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private const string Pattern = "openclaw-*.log";

    /// <summary>Builds <c>logs</c>; <paramref name="getEnvironmentVariable"/> replaces the process environment (tests).</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, TimeProvider? time = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        time ??= TimeProvider.System;
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing lines as the gateway writes them (until Ctrl+C)." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines to print first (default: 50).", DefaultValueFactory = _ => 50 };
        lines.CustomParser = r =>
        {
            if (r.Tokens is [var token]
                && int.TryParse(token.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value <= 100_000)
            {
                return value;
            }

            r.AddError("--lines must be a number between 0 and 100000.");
            return 0;
        };
        var stateDir = new Option<string?>("--state-dir") { Description = "State directory (default: OPENCLAW_STATE_DIR, else ~/.openclaw)." };
        var command = new Command("logs", "Print the last lines of the gateway's log (<state dir>/logs/openclaw-YYYYMMDD.log); --follow keeps printing.")
        {
            follow, lines, stateDir,
        };
        command.SetAction((result, cancellationToken) => CliErrors.RunAsync(result, () =>
        {
            var paths = StatePaths.FromEnvironment(GatewayCommands.WithOverrides(env, result.GetValue(stateDir), null));
            return RunAsync(paths.LogsDirectory, result.GetValue(lines), result.GetValue(follow), time, result.InvocationConfiguration.Output, cancellationToken);
        }));
        return command;
    }

    /// <summary>Prints the last <paramref name="count"/> lines of the newest log, then (with <paramref name="follow"/>) what follows.</summary>
    public static async Task<int> RunAsync(string directory, int count, bool follow, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var file = Newest(directory)
            ?? throw new OpenClawException($"no gateway log in {directory} yet; the gateway writes one there while it runs (`openclaw gateway run`).");
        var position = await PrintTailAsync(file, count, output, cancellationToken);
        if (!follow)
        {
            return CliExit.Success;
        }

        try
        {
            await FollowAsync(directory, file, position, time, output, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends following; that is its normal end.
        }

        return CliExit.Success;
    }

    /// <summary>The newest <c>openclaw-YYYYMMDD.log</c> (the names sort by day), or null.</summary>
    internal static string? Newest(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, Pattern).Order(StringComparer.Ordinal).LastOrDefault() : null;

    // Reads backwards from the end until enough line breaks are seen: a week of logs is never read whole for 50 lines.
    private static async Task<long> PrintTailAsync(string path, int count, TextWriter output, CancellationToken cancellationToken)
    {
        await using var stream = Open(path);
        var length = stream.Length;
        var start = length;
        var buffer = new byte[64 * 1024];
        var breaks = 0;

        // A last line without its break yet is not printed: --follow prints it once complete.
        var end = length;
        if (length > 0)
        {
            stream.Position = length - 1;
            if (stream.ReadByte() != '\n')
            {
                end = await LastBreakBeforeAsync(stream, length, cancellationToken);
            }
        }

        start = end;
        while (start > 0 && breaks <= count)
        {
            var size = (int)Math.Min(buffer.Length, start);
            stream.Position = start - size;
            await stream.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
            var i = size - 1;
            for (; i >= 0; i--)
            {
                if (buffer[i] == '\n' && ++breaks > count)
                {
                    break;
                }
            }

            start = i >= 0 ? start - size + i + 1 : start - size;
        }

        stream.Position = start;
        var bytes = new byte[end - start];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        await output.WriteAsync(CliText.Printable(keepNewlines: true, value: Encoding.UTF8.GetString(bytes)));
        await output.FlushAsync(cancellationToken);
        return end;
    }

    private static async Task<long> LastBreakBeforeAsync(Stream stream, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var position = length;
        while (position > 0)
        {
            var size = (int)Math.Min(buffer.Length, position);
            stream.Position = position - size;
            await stream.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken);
            var index = buffer.AsSpan(0, size).LastIndexOf((byte)'\n');
            if (index >= 0)
            {
                return position - size + index + 1;
            }

            position -= size;
        }

        return 0;
    }

    // Polls: the size of the file, and whether a newer day's file has appeared (then it is read from its start).
    private static async Task FollowAsync(string directory, string file, long position, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        while (true)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            long length;
            try
            {
                length = new FileInfo(file).Length;
            }
            catch (IOException)
            {
                length = 0; // removed (pruned): a newer file must exist
            }

            if (length < position)
            {
                position = 0; // truncated or replaced
                pending.Clear();
            }

            if (length > position)
            {
                await using var stream = Open(file);
                stream.Position = position;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    position += read;
                    pending.AddRange(buffer.AsSpan(0, read));
                }

                var complete = pending.LastIndexOf((byte)'\n') + 1;
                if (complete > 0)
                {
                    await output.WriteAsync(CliText.Printable(keepNewlines: true, value: Encoding.UTF8.GetString(pending.GetRange(0, complete).ToArray())));
                    await output.FlushAsync(cancellationToken);
                    pending.RemoveRange(0, complete);
                }
            }
            else if (Newest(directory) is { } newest && string.CompareOrdinal(newest, file) > 0)
            {
                file = newest;
                position = 0;
                pending.Clear();
            }
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
}
