using System.Security;
using System.Text;
using OpenClaw.Core;

namespace OpenClaw.Cli.Daemon;

/// <summary>The launchd agent that runs the gateway on macOS: <c>~/Library/LaunchAgents/ai.openclaw.gateway.plist</c>.</summary>
internal static class LaunchdPlist
{
    /// <summary>The agent's label.</summary>
    public const string Label = "ai.openclaw.gateway";

    /// <summary>Where the plist goes.</summary>
    /// <exception cref="OpenClawException">HOME is not set.</exception>
    public static string PathFor(Func<string, string?> environment) =>
        Path.Combine(Home(environment), "Library", "LaunchAgents", Label + ".plist");

    /// <summary>Where the agent's standard output and error go.</summary>
    public static string LogFileFor(Func<string, string?> environment) =>
        Path.Combine(Home(environment), "Library", "Logs", "openclaw", "gateway.log");

    /// <summary>The plist's text: run at load, restarted when it exits with a failure (a clean stop stays stopped).</summary>
    public static string Render(ServiceDefinition service, string logFile)
    {
        ArgumentNullException.ThrowIfNull(service);
        var text = new StringBuilder()
            .Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
            .Append("<!-- Written by `openclaw daemon install`; remove it with `openclaw daemon uninstall`. -->\n")
            .Append("<plist version=\"1.0\">\n")
            .Append("<dict>\n")
            .Append("  <key>Label</key>\n  <string>").Append(Label).Append("</string>\n")
            .Append("  <key>ProgramArguments</key>\n  <array>\n")
            .Append("    <string>").Append(Escape(service.BinaryPath)).Append("</string>\n");
        foreach (var argument in ServiceDefinition.Arguments)
        {
            text.Append("    <string>").Append(argument).Append("</string>\n");
        }

        text.Append("  </array>\n");
        if (service.Environment.Count > 0)
        {
            text.Append("  <key>EnvironmentVariables</key>\n  <dict>\n");
            foreach (var (name, value) in service.Environment)
            {
                text.Append("    <key>").Append(Escape(name)).Append("</key>\n    <string>").Append(Escape(value)).Append("</string>\n");
            }

            text.Append("  </dict>\n");
        }

        return text
            .Append("  <key>RunAtLoad</key>\n  <true/>\n")
            .Append("  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n")
            .Append("  <key>ThrottleInterval</key>\n  <integer>5</integer>\n")
            .Append("  <key>ProcessType</key>\n  <string>Background</string>\n")
            .Append("  <key>StandardOutPath</key>\n  <string>").Append(Escape(logFile)).Append("</string>\n")
            .Append("  <key>StandardErrorPath</key>\n  <string>").Append(Escape(logFile)).Append("</string>\n")
            .Append("</dict>\n")
            .Append("</plist>\n")
            .ToString();
    }

    private static string Escape(string value) => SecurityElement.Escape(value);

    private static string Home(Func<string, string?> environment) =>
        environment("HOME") is { Length: > 0 } home ? home : throw new OpenClawException("HOME is not set, so the launchd agent has no place to go.");
}
