using Microsoft.Extensions.Logging;

namespace OpenClaw.Agents.Sandbox;

internal static partial class SandboxLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "The {Backend} sandbox is unavailable: {Problem}")]
    public static partial void Unavailable(ILogger logger, string backend, string problem);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "The {Backend} sandbox works here; process count bounded by {ProcessLimit}")]
    public static partial void Available(ILogger logger, string backend, string processLimit);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Debug, Message = "Sandboxed run ended: {Termination}, exit code {ExitCode}, {ElapsedMs} ms")]
    public static partial void RunEnded(ILogger logger, SandboxTermination termination, int exitCode, long elapsedMs);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "The sandbox's cgroup {Path} could not be removed; processes may remain in it")]
    public static partial void CgroupLeft(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Running a tool process WITHOUT isolation (sandbox level none)")]
    public static partial void Unisolated(ILogger logger);
}
