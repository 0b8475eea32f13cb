namespace OpenClaw.Cli;

/// <summary>The exit codes of every <c>openclaw</c> command (docs/cli.md).</summary>
internal static class CliExit
{
    /// <summary>It worked.</summary>
    public const int Success = 0;

    /// <summary>It failed (the message says why); also a doctor or audit check that failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>The command needs a running gateway and none answered at the address it tried.</summary>
    public const int GatewayNotRunning = 3;
}
