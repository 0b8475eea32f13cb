using System.Runtime.InteropServices;

namespace OpenClaw.Core.State;

/// <summary>
/// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the target,
/// fsync the directory. A crash at any point leaves either the old content or the new one, never a partial file.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Every temp file starts with this; a credential name can never start with '.', so they never collide.</summary>
    public const string TempPrefix = ".tmp-";

    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically, with mode 0600.</summary>
    /// <returns>False when <paramref name="overwrite"/> is false and the file already exists (it is left as it was).</returns>
    public static async Task<bool> WriteAsync(
        string path, ReadOnlyMemory<byte> content, bool overwrite, Action<string>? beforeReplace, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                // Set at creation, so the secret is never readable by others, not even for a moment.
                options.UnixCreateMode = OwnerReadWrite;
            }

            var stream = new FileStream(temp, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            beforeReplace?.Invoke(path);
            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
            }
            else if (!MoveExclusive(temp, path))
            {
                TryDelete(temp);
                return false;
            }
        }
        catch (Exception ex) when (IsAccessError(ex))
        {
            TryDelete(temp);
            throw AccessError(path, ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        SyncDirectory(directory);
        return true;
    }

    /// <summary>
    /// Writes UTF-8 text to <paramref name="path"/> atomically with mode 0600, creating a missing parent directory
    /// with mode 0700 (it sits in the state directory, next to secrets).
    /// </summary>
    public static Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            EnsurePrivateDirectory(directory);
        }

        return WriteAsync(full, System.Text.Encoding.UTF8.GetBytes(content), overwrite: true, beforeReplace: null, cancellationToken);
    }

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/> only if nothing is there yet, atomically.</summary>
    /// <remarks>
    /// File.Move(overwrite: false) checks and then renames, so two racing writers can both "win". On Unix, link(2)
    /// fails with EEXIST instead; on Windows, MoveFileEx without REPLACE_EXISTING is already exclusive.
    /// </remarks>
    private static bool MoveExclusive(string source, string destination)
    {
        if (!OperatingSystem.IsWindows())
        {
            int result;
            try
            {
                result = NativeMethods.link(CString(source), CString(destination));
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                result = -2;
            }

            if (result == 0)
            {
                File.Delete(source);
                return true;
            }

            if (result == -1 && Marshal.GetLastPInvokeError() == 17 /* EEXIST on Linux and macOS */)
            {
                return false;
            }

            // No hard links on this file system: fall back to the (check-then-rename) managed move.
        }

        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    /// <summary>Renames <paramref name="source"/> over <paramref name="destination"/> and makes the rename durable.</summary>
    public static void Replace(string source, string destination)
    {
        try
        {
            File.Move(source, destination, overwrite: true);
        }
        catch (Exception ex) when (IsAccessError(ex))
        {
            throw AccessError(destination, ex);
        }

        SyncDirectory(Path.GetDirectoryName(destination)!);
    }

    /// <summary>Deletes <paramref name="path"/> (if present) and makes the deletion durable.</summary>
    public static bool Delete(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (IsAccessError(ex))
        {
            throw AccessError(path, ex);
        }

        SyncDirectory(Path.GetDirectoryName(path)!);
        return true;
    }

    /// <summary>Creates <paramref name="path"/> with mode 0700 if missing, and tightens it to 0700 if it is looser.</summary>
    /// <exception cref="OpenClawException">The folder cannot be created or its mode cannot be set (says how to fix it).</exception>
    public static void EnsurePrivateDirectory(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
                return;
            }

            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path, OwnerOnlyDirectory);
            }

            if (File.GetUnixFileMode(path) != OwnerOnlyDirectory)
            {
                File.SetUnixFileMode(path, OwnerOnlyDirectory);
            }
        }
        catch (Exception ex) when (IsAccessError(ex))
        {
            throw AccessError(path, ex);
        }
    }

    /// <summary>True for the file-system errors <see cref="AccessError"/> turns into a clear message.</summary>
    public static bool IsAccessError(Exception ex) => ex is IOException or UnauthorizedAccessException;

    /// <summary>
    /// A user-facing error for a file-system failure on <paramref name="path"/>: permission (often a root-owned file left
    /// by <c>sudo openclaw ...</c>) or another I/O error (disk full, read-only, a folder where a file should be).
    /// </summary>
    public static OpenClawException AccessError(string path, Exception ex) => ex is UnauthorizedAccessException
        ? new OpenClawException(
            $"permission denied on {path}. Check that it and its folder belong to the user running OpenClaw (a file " +
            "created by `sudo openclaw ...` belongs to root; fix it with `sudo chown -R $(id -un) <state directory>`).", ex)
        : new OpenClawException(
            $"cannot access {path}: {ex.Message} Check that the disk is not full or read-only, that the path is a " +
            "file (or folder) as expected, and that it belongs to you.", ex);

    /// <summary>
    /// Removes temp files matching <paramref name="pattern"/> left by a crash in the middle of <c>WriteAsync</c>.
    /// Only files last written before <paramref name="olderThan"/> go, so another writer's file in flight survives.
    /// </summary>
    public static int DeleteStrayTempFiles(string directory, string pattern, DateTimeOffset olderThan)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(directory, pattern))
        {
            if (File.GetLastWriteTimeUtc(file) < olderThan.UtcDateTime && TryDelete(file))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>fsync on the directory, so a rename or unlink inside it survives a power loss.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals metadata; there is no directory handle to flush.
        }

        // .NET cannot open a directory as a file, so this goes to libc directly (blittable arguments only: AOT-safe).
        int fd;
        try
        {
            fd = NativeMethods.open(CString(directory), OpenReadOnlyCloseOnExec);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return; // an exotic libc: the rename has happened; only its durability across power loss is weaker
        }

        if (fd < 0)
        {
            return; // best effort: the rename itself has already happened
        }

        int result, errno;
        try
        {
            result = NativeMethods.fsync(fd);
            errno = result == -1 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }

        if (FsyncFault?.Invoke(directory) is { } injected and not 0)
        {
            result = -1;
            errno = injected;
        }

        // EINVAL/ENOTSUP: this file system cannot sync a directory (the rename is as durable as it gets). Anything
        // else (EIO, ENOSPC, ...) means the rename may not survive a power loss: the caller must not report success.
        if (result == -1 && errno is not (EInval or ENotSupLinux or ENotSupMac or EOpNotSuppMac))
        {
            throw new OpenClawException(
                $"could not flush the folder {directory} to disk (fsync failed, errno {errno}); the last change may " +
                "not survive a crash. Check the disk (full, failing, or a network file system?) and try again.");
        }
    }

    /// <summary>Test hook: returns an errno to simulate a failed directory fsync for that folder (0: no fault).</summary>
    internal static Func<string, int>? FsyncFault { get; set; }

    private const int EInval = 22;
    private const int ENotSupLinux = 95; // ENOTSUP == EOPNOTSUPP on Linux
    private const int ENotSupMac = 45;
    private const int EOpNotSuppMac = 102;

    // O_RDONLY | O_CLOEXEC, so a sandboxed child spawned at that instant never inherits the descriptor.
    private static int OpenReadOnlyCloseOnExec => OperatingSystem.IsMacOS() ? 0x1000000 : OperatingSystem.IsLinux() ? 0x80000 : 0;

    private static byte[] CString(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, CA2101, IDE1006 // plain blittable libc calls; LibraryImport would need unsafe code in Core
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int link(byte[] oldPath, byte[] newPath);
#pragma warning restore SYSLIB1054, CA5392, CA2101, IDE1006
    }
}
