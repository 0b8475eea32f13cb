using Microsoft.Win32.SafeHandles;
using OpenClaw.Agents.Sandbox;

namespace OpenClaw.Agents.Tools;

/// <summary>
/// Opens files and directories of one workspace so that nothing outside it is read, created, truncated or modified,
/// whatever the path string or symlinks on disk say (docs/tools.md, "Confinement").
/// </summary>
/// <remarks>
/// On Linux every check is made on an open descriptor: the real path of the opened object is read from
/// <c>/proc/self/fd/N</c> and compared with the workspace's real path before anything is written, and new files and
/// directories are created with <c>openat</c>/<c>mkdirat</c> relative to a parent directory already opened and checked
/// (so a symlinked parent cannot redirect a create). Elsewhere the real path is resolved from the path string first,
/// which leaves a window between check and use. One instance per call; not thread-safe.
/// </remarks>
internal sealed class WorkspaceFiles : IDisposable
{
    private const int MaxSymlinkHops = 8;

    private readonly SafeFileHandle? _root;
    private readonly string _hostWorkspace;

    private WorkspaceFiles(string hostWorkspace, string realRoot, SafeFileHandle? root)
    {
        _hostWorkspace = hostWorkspace;
        RealRoot = realRoot;
        _root = root;
    }

    /// <summary>The workspace's real (symlink-free) absolute path.</summary>
    public string RealRoot { get; }

    /// <summary>Opens the workspace; a missing workspace is a failure the user must fix in config.</summary>
    public static WorkspaceFiles Open(string workspace) => Open(workspace, portable: !OperatingSystem.IsLinux());

    /// <summary>Opens the workspace with the portable (path-string) checks even on Linux, so tests exercise them here.</summary>
    internal static WorkspaceFiles Open(string workspace, bool portable)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspace);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace));
        if (!portable)
        {
            var root = LinuxFiles.Open(full, LinuxFiles.PathOnly, out _)
                ?? throw new ToolFailureException("The agent's workspace directory does not exist or cannot be opened.");
            var real = LinuxFiles.RealPath(root);
            if (real is null || !IsDirectory(root))
            {
                root.Dispose();
                throw new ToolFailureException("The agent's workspace is not a directory.");
            }

            return new WorkspaceFiles(full, Path.TrimEndingDirectorySeparator(real), root);
        }

        if (!Directory.Exists(full))
        {
            throw new ToolFailureException("The agent's workspace directory does not exist.");
        }

        return new WorkspaceFiles(full, Path.TrimEndingDirectorySeparator(PortableRealPath(full)), null);
    }

    /// <summary>
    /// Turns a path from the model into a normalised workspace-relative one ('/'-separated, "" for the root): relative
    /// paths are taken from the workspace, absolute ones only under <c>/workspace</c> (what <c>exec</c> sees) or the
    /// workspace's host path; <c>..</c> may not climb out.
    /// </summary>
    public string Normalize(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == ".")
        {
            return "";
        }

        if (path.Contains('\0', StringComparison.Ordinal) || !ToolJson.IsWellFormed(path))
        {
            throw new ToolFailureException("The path contains a NUL character or a lone surrogate.");
        }

        var candidate = path.Replace('\\', '/');
        if (candidate.StartsWith('/') || Path.IsPathRooted(path))
        {
            if (TryStripPrefix(candidate, SandboxPaths.Workspace, out var rest)
                || TryStripPrefix(candidate, _hostWorkspace.Replace('\\', '/'), out rest)
                || TryStripPrefix(candidate, RealRoot.Replace('\\', '/'), out rest))
            {
                candidate = rest;
            }
            else
            {
                throw new ToolFailureException(
                    $"Absolute paths must lie under {SandboxPaths.Workspace}/; use a path relative to the workspace.");
            }
        }

        var parts = new List<string>();
        foreach (var part in candidate.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw new ToolFailureException($"'{path}' is outside the workspace.");
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    /// <summary>Opens an existing regular file (following symlinks that stay inside) for reading, or reading and writing.</summary>
    public SafeFileHandle OpenFile(string relative, bool write)
    {
        var display = Display(relative);
        if (relative.Length == 0)
        {
            throw new ToolFailureException("The workspace root is a directory, not a file.");
        }

        if (_root is not null)
        {
            var parent = OpenParentLinux(relative, createParents: false, out var name);
            using (parent)
            {
                return OpenFileAt(parent, name, display, write ? LinuxFiles.ReadWrite : LinuxFiles.ReadOnly, out var errno)
                    ?? throw OpenError(display, errno);
            }
        }

        var real = PortableRealPath(Path.Combine(RealRoot, relative));
        CheckInside(real, display);
        if (Directory.Exists(real))
        {
            throw new ToolFailureException($"'{display}' is a directory.");
        }

        if (!File.Exists(real))
        {
            throw new ToolFailureException($"'{display}' does not exist.");
        }

        return File.OpenHandle(real, FileMode.Open, write ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite);
    }

    /// <summary>
    /// Opens a file for writing without truncating it, creating it (and its parent directories) when missing. The caller
    /// truncates after the checks here passed. A dangling symlink is followed only when its target lies inside.
    /// </summary>
    public SafeFileHandle OpenForWrite(string relative, out bool created)
    {
        var display = Display(relative);
        if (relative.Length == 0)
        {
            throw new ToolFailureException("The workspace root is a directory, not a file.");
        }

        for (var hop = 0; hop <= MaxSymlinkHops; hop++)
        {
            if (_root is not null)
            {
                using var parent = OpenParentLinux(relative, createParents: true, out var name);
                var handle = OpenFileAt(parent, name, display, LinuxFiles.WriteOnly, out var errno);
                if (handle is not null)
                {
                    created = false;
                    return handle;
                }

                if (errno != LinuxFiles.ENoEnt)
                {
                    throw OpenError(display, errno);
                }

                // O_CREAT | O_EXCL never follows a symlink: a dangling one fails with EEXIST instead of creating its
                // target, wherever that is. The new file is created in the parent directory checked above.
                handle = LinuxFiles.OpenAt(parent, name, LinuxFiles.WriteOnly | LinuxFiles.Create | LinuxFiles.Exclusive, out errno);
                if (handle is not null)
                {
                    // A new regular file in a directory already checked: inside by construction.
                    created = true;
                    return handle;
                }

                if (errno != LinuxFiles.EExist)
                {
                    throw OpenError(display, errno);
                }

                var parentReal = LinuxFiles.RealPath(parent) ?? throw OpenError(display, LinuxFiles.ENoEnt);
                relative = FollowDanglingLink(Path.Combine(parentReal, name), display);
            }
            else
            {
                var real = PortableRealPath(Path.Combine(RealRoot, relative));
                CheckInside(real, display);
                Directory.CreateDirectory(Path.GetDirectoryName(real)!);
                created = !File.Exists(real);
                if (Directory.Exists(real))
                {
                    throw new ToolFailureException($"'{display}' is a directory.");
                }

                return File.OpenHandle(real, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
            }
        }

        throw new ToolFailureException($"'{display}' goes through too many symbolic links.");
    }

    /// <summary>Opens a directory (following symlinks that stay inside) for listing.</summary>
    public WorkspaceDirectory OpenDirectory(string relative)
    {
        var display = Display(relative);
        if (_root is not null)
        {
            SafeFileHandle handle;
            if (relative.Length == 0)
            {
                handle = LinuxFiles.OpenAt(_root, ".", LinuxFiles.PathOnly, out var errno) ?? throw OpenError(display, errno);
            }
            else
            {
                using var parent = OpenParentLinux(relative, createParents: false, out var name);
                handle = LinuxFiles.OpenAt(parent, name, LinuxFiles.PathOnly, out var errno) ?? throw OpenError(display, errno);
            }

            try
            {
                CheckInside(LinuxFiles.RealPath(handle), display);
                if (!IsDirectory(handle))
                {
                    throw new ToolFailureException($"'{display}' is not a directory.");
                }

                return new WorkspaceDirectory(relative, LinuxFiles.DescriptorPath(handle), handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        var path = PortableRealPath(Path.Combine(RealRoot, relative));
        CheckInside(path, display);
        if (!Directory.Exists(path))
        {
            throw new ToolFailureException(File.Exists(path) ? $"'{display}' is not a directory." : $"'{display}' does not exist.");
        }

        return new WorkspaceDirectory(relative, path, null);
    }

    /// <summary>The symlink-free workspace-relative path of an open directory ("" for the root).</summary>
    public string RealRelative(WorkspaceDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var real = directory.Handle is null ? directory.EnumerationPath : LinuxFiles.RealPath(directory.Handle);
        CheckInside(real, Display(directory.Relative));
        var relative = Path.GetRelativePath(RealRoot, real!).Replace('\\', '/');
        return relative == "." ? "" : relative;
    }

    /// <summary>Opens a regular file met while walking a tree for reading, or null when it is outside or not a regular file.</summary>
    public SafeFileHandle? TryOpenChildFile(WorkspaceDirectory parent, string name)
    {
        if (parent.Handle is not null)
        {
            try
            {
                return OpenFileAt(parent.Handle, name, name, LinuxFiles.ReadOnly, out _);
            }
            catch (ToolFailureException)
            {
                return null;
            }
        }

        var path = PortableRealPath(Path.Combine(parent.EnumerationPath, name));
        if (!IsInside(path) || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a real absolute path is the workspace or lies in it.</summary>
    public bool IsInside(string? realPath) =>
        realPath is not null
        && (string.Equals(realPath, RealRoot, StringComparison.Ordinal)
            || (realPath.StartsWith(RealRoot, StringComparison.Ordinal)
                && realPath.Length > RealRoot.Length
                && (realPath[RealRoot.Length] == Path.DirectorySeparatorChar || realPath[RealRoot.Length] == '/')));

    /// <inheritdoc />
    public void Dispose() => _root?.Dispose();

    /// <summary>Joins a workspace-relative directory and a name.</summary>
    public static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;

    /// <summary>How a workspace-relative path is shown in messages ("." for the root).</summary>
    public static string Display(string relative) => relative.Length == 0 ? "." : relative;

    private static bool TryStripPrefix(string path, string prefix, out string rest)
    {
        prefix = prefix.TrimEnd('/');
        if (prefix.Length > 0 && path.StartsWith(prefix, StringComparison.Ordinal)
            && (path.Length == prefix.Length || path[prefix.Length] == '/'))
        {
            rest = path[prefix.Length..];
            return true;
        }

        rest = "";
        return false;
    }

    private static bool IsDirectory(SafeFileHandle handle) => (File.GetAttributes(handle) & FileAttributes.Directory) != 0;

    private static ToolFailureException OpenError(string display, int errno) => errno switch
    {
        LinuxFiles.ENoEnt => new ToolFailureException($"'{display}' does not exist."),
        LinuxFiles.ENotDir => new ToolFailureException($"A parent of '{display}' is not a directory."),
        LinuxFiles.EIsDir => new ToolFailureException($"'{display}' is a directory."),
        LinuxFiles.EAcces => new ToolFailureException($"Permission denied for '{display}'."),
        LinuxFiles.ELoop => new ToolFailureException($"'{display}' goes through too many symbolic links."),
        LinuxFiles.ENxIo => new ToolFailureException($"'{display}' is not a regular file."),
        _ => new ToolFailureException($"'{display}' cannot be opened (error {errno})."),
    };

    /// <summary>Opens (and, when asked, creates) every parent directory of <paramref name="relative"/>, checking each.</summary>
    private SafeFileHandle OpenParentLinux(string relative, bool createParents, out string name)
    {
        var display = Display(relative);
        var parts = relative.Split('/');
        name = parts[^1];
        var current = LinuxFiles.OpenAt(_root!, ".", LinuxFiles.PathOnly, out var errno) ?? throw OpenError(".", errno);
        try
        {
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var next = LinuxFiles.OpenAt(current, parts[i], LinuxFiles.PathOnly, out errno);
                if (next is null && errno == LinuxFiles.ENoEnt && createParents)
                {
                    var made = LinuxFiles.MakeDirectoryAt(current, parts[i]);
                    if (made != 0 && made != LinuxFiles.EExist)
                    {
                        throw OpenError(Display(string.Join('/', parts[..(i + 1)])), made);
                    }

                    next = LinuxFiles.OpenAt(current, parts[i], LinuxFiles.PathOnly, out errno);
                    if (next is null && errno == LinuxFiles.ENoEnt)
                    {
                        // mkdirat said EEXIST yet it cannot be opened: a dangling symlink sits where the directory goes.
                        throw new ToolFailureException(
                            $"'{string.Join('/', parts[..(i + 1)])}' is a symbolic link to a missing directory; parent directories are not created through symbolic links.");
                    }
                }

                if (next is null)
                {
                    throw OpenError(errno == LinuxFiles.ENoEnt ? display : Display(string.Join('/', parts[..(i + 1)])), errno);
                }

                current.Dispose();
                current = next;
                CheckInside(LinuxFiles.RealPath(current), display);
                if (!IsDirectory(current))
                {
                    throw new ToolFailureException($"A parent of '{display}' is not a directory.");
                }
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="name"/> in an open directory: first as <c>O_PATH</c> (following symlinks, opening nothing for
    /// I/O), checked to lie inside and not be a directory, then reopened with <paramref name="access"/> through
    /// <c>/proc/self/fd/N</c> and checked to be a regular file. Null (with the errno) when the first open fails.
    /// </summary>
    private SafeFileHandle? OpenFileAt(SafeFileHandle parent, string name, string display, int access, out int errno)
    {
        using var path = LinuxFiles.OpenAt(parent, name, LinuxFiles.PathOnly, out errno);
        if (path is null)
        {
            return null;
        }

        CheckInside(LinuxFiles.RealPath(path), display);
        if (IsDirectory(path))
        {
            throw new ToolFailureException($"'{display}' is a directory.");
        }

        var handle = LinuxFiles.Open(LinuxFiles.DescriptorPath(path), access, out var reopenErrno)
            ?? throw OpenError(display, reopenErrno);
        if (!LinuxFiles.CanSeek(handle))
        {
            // FIFOs, sockets and terminals cannot seek; a regular file can.
            handle.Dispose();
            throw new ToolFailureException($"'{display}' is not a regular file.");
        }

        return handle;
    }

    private void CheckInside(string? realPath, string display)
    {
        if (!IsInside(realPath))
        {
            throw new ToolFailureException($"'{display}' resolves to a location outside the workspace.");
        }
    }

    /// <summary>The workspace-relative path a dangling symlink points to, or a failure when it points outside.</summary>
    private string FollowDanglingLink(string linkPath, string display)
    {
        var target = new FileInfo(linkPath).LinkTarget
            ?? throw new ToolFailureException($"'{display}' appeared while it was being created; try again.");
        var absolute = Path.GetFullPath(target, Path.GetDirectoryName(linkPath)!);
        if (!IsInside(absolute))
        {
            throw new ToolFailureException($"'{display}' is a symbolic link to a missing file outside the workspace.");
        }

        return Path.GetRelativePath(RealRoot, absolute).Replace('\\', '/');
    }

    /// <summary>Resolves every symlink in an absolute path from its components (missing tails are kept as they are).</summary>
    private static string PortableRealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hops = 0; hops < 40; hops++)
        {
            var root = Path.GetPathRoot(full) ?? "/";
            var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            var replaced = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(current, parts[i]);
                var target = new FileInfo(next).LinkTarget;
                if (target is not null)
                {
                    var resolved = Path.GetFullPath(target, current);
                    full = Path.Combine([resolved, .. parts[(i + 1)..]]);
                    replaced = true;
                    break;
                }

                current = next;
            }

            if (!replaced)
            {
                return full;
            }
        }

        throw new ToolFailureException("The path goes through too many symbolic links.");
    }
}

/// <summary>An open workspace directory: where to enumerate it and its workspace-relative path.</summary>
/// <param name="Relative">The workspace-relative path ("" for the root).</param>
/// <param name="EnumerationPath">A path naming the opened directory itself (<c>/proc/self/fd/N</c> on Linux).</param>
/// <param name="Handle">The open descriptor on Linux; null elsewhere.</param>
internal sealed record WorkspaceDirectory(string Relative, string EnumerationPath, SafeFileHandle? Handle) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Handle?.Dispose();
}
