using System.Globalization;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Sandbox;

/// <summary>Builds bubblewrap's argument list for a request (docs/sandbox.md, "Linux").</summary>
internal static class BubblewrapArguments
{
    /// <summary>The top-level names that are symlinks into /usr on merged-/usr systems, or directories elsewhere.</summary>
    private static readonly string[] s_systemRoots = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    /// <summary>The /etc entries programs need: the loader, users and groups (no passwords), time zone, certificates.</summary>
    /// <remarks>Never all of /etc: as root /etc/shadow and /etc/ssl/private would be readable.</remarks>
    private static readonly string[] s_etcFiles =
    [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime",
        "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/protocols", "/etc/services", "/etc/mime.types",
        "/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki/tls/certs",
        "/etc/terminfo", "/etc/inputrc", "/etc/profile", "/etc/bash.bashrc", "/etc/gitconfig", "/etc/perl", "/etc/python3",
    ];

    /// <summary>The /etc entries name resolution needs, at relaxed only.</summary>
    private static readonly string[] s_networkEtcFiles = ["/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/gai.conf"];

    /// <summary>How the host lays out /bin, /lib and the rest: a symlink's target, or null for a real directory.</summary>
    public static IReadOnlyList<(string Name, string? LinkTarget)> HostLayout()
    {
        var layout = new List<(string, string?)>();
        foreach (var name in s_systemRoots)
        {
            var info = new DirectoryInfo("/" + name);
            if (info.LinkTarget is { } target)
            {
                layout.Add((name, target));
            }
            else if (info.Exists)
            {
                layout.Add((name, null));
            }
        }

        return layout;
    }

    /// <summary>The arguments after <c>bwrap</c>, ending with <c>--</c> and the command.</summary>
    public static List<string> Build(SandboxRequest request, IReadOnlyList<(string Name, string? LinkTarget)> layout)
    {
        var workingDirectory = SandboxEnvironment.RelativeWorkingDirectory(request);
        var strict = request.Level != SandboxLevel.Relaxed;
        List<string> args =
        [
            "--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        ];
        if (strict)
        {
            args.Add("--unshare-net");
        }

        args.AddRange(["--hostname", "sandbox", "--new-session", "--die-with-parent", "--cap-drop", "ALL"]);
        args.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var (name, target) in layout)
        {
            if (target is null)
            {
                args.AddRange(["--ro-bind", "/" + name, "/" + name]);
            }
            else
            {
                args.AddRange(["--symlink", target, "/" + name]);
            }
        }

        foreach (var path in strict ? s_etcFiles : [.. s_etcFiles, .. s_networkEtcFiles])
        {
            args.AddRange(["--ro-bind-try", path, path]);
        }

        var tmpBytes = (Math.Max(1, request.Limits.MemoryMb) * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--size", tmpBytes, "--tmpfs", "/tmp"]);
        args.AddRange(["--bind", request.WorkspacePath, SandboxPaths.Workspace]);
        args.AddRange(["--remount-ro", "/"]); // the root bubblewrap builds is a tmpfs; nothing but /workspace and /tmp is writable
        args.AddRange(["--chdir", workingDirectory.Length == 0 ? SandboxPaths.Workspace : SandboxPaths.Workspace + "/" + workingDirectory]);
        args.Add("--clearenv");
        foreach (var (name, value) in SandboxEnvironment.For(request, SandboxPaths.Workspace, "/tmp"))
        {
            args.AddRange(["--setenv", name, value]);
        }

        args.Add("--");
        args.AddRange(request.Command);
        return args;
    }
}
