using System.Text;
using OpenClaw.Core;

namespace OpenClaw.Cli.Daemon;

/// <summary>The systemd user unit that runs the gateway: <c>~/.config/systemd/user/openclaw-gateway.service</c>.</summary>
internal static class SystemdUnit
{
    /// <summary>The unit's name.</summary>
    public const string Name = "openclaw-gateway.service";

    /// <summary>Where the unit goes: <c>$XDG_CONFIG_HOME/systemd/user</c>, else <c>~/.config/systemd/user</c>.</summary>
    /// <exception cref="OpenClawException">Neither XDG_CONFIG_HOME (absolute) nor HOME is set.</exception>
    public static string PathFor(Func<string, string?> environment)
    {
        // The XDG base directory spec ignores a relative value.
        var config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : environment("HOME") is { Length: > 0 } home
                ? Path.Combine(home, ".config")
                : throw new OpenClawException("neither XDG_CONFIG_HOME nor HOME is set, so the systemd user unit has no place to go.");
        return Path.Combine(config, "systemd", "user", Name);
    }

    /// <summary>The unit file's text.</summary>
    public static string Render(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var text = new StringBuilder()
            .Append("# Written by `openclaw daemon install`; remove it with `openclaw daemon uninstall`.\n")
            .Append("[Unit]\n")
            .Append("Description=OpenClaw gateway\n")
            .Append('\n')
            .Append("[Service]\n")
            .Append("Type=simple\n")
            .Append("ExecStart=").Append(Quote(service.BinaryPath, execLine: true));
        foreach (var argument in ServiceDefinition.Arguments)
        {
            text.Append(' ').Append(argument);
        }

        text.Append('\n');
        foreach (var (name, value) in service.Environment)
        {
            text.Append("Environment=").Append(Quote($"{name}={value}", execLine: false)).Append('\n');
        }

        return text
            .Append("Restart=on-failure\n")
            .Append("RestartSec=5\n")
            // The gateway drains for up to gateway.limits.shutdownTimeoutSeconds (10) after SIGTERM.
            .Append("TimeoutStopSec=30\n")
            .Append('\n')
            .Append("[Install]\n")
            .Append("WantedBy=default.target\n")
            .ToString();
    }

    // systemd's quoting: double quotes with C-style escapes; % starts a specifier (%%) and, on an exec line, $ a variable ($$).
    private static string Quote(string value, bool execLine)
    {
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal);
        if (execLine)
        {
            escaped = escaped.Replace("$", "$$", StringComparison.Ordinal);
        }

        return escaped.Any(c => c is ' ' or '\t' or '"' or '\'' or '\\' or ';') ? $"\"{escaped}\"" : escaped;
    }
}
