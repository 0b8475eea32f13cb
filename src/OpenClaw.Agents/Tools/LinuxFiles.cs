using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OpenClaw.Agents.Tools;

/// <summary>The few libc calls the workspace confinement needs on Linux (open, openat, mkdirat), with their errno.</summary>
/// <remarks>
/// Flag values are the asm-generic ones that x86-64 and arm64 share. Directories are opened with <c>O_RDONLY</c>, not
/// <c>O_DIRECTORY</c> (whose value differs between them); <c>openat</c> on a descriptor that is not a directory fails
/// with <c>ENOTDIR</c> anyway. Objects are first opened with <c>O_PATH</c> (no I/O, no side effects of opening a device),
/// checked, then reopened with the access needed through <c>/proc/self/fd/N</c>, which opens the same inode.
/// </remarks>
internal static class LinuxFiles
{
    public const int ReadOnly = 0;
    public const int WriteOnly = 0x1;
    public const int ReadWrite = 0x2;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int NoControllingTerminal = 0x100;

    // O_PATH: a handle that names the file without opening it for I/O, so a device or FIFO outside is never opened.
    public const int PathOnly = 0x200000;

    // O_NONBLOCK: opening a FIFO left in the workspace returns at once instead of hanging the tool.
    public const int NonBlocking = 0x800;
    public const int CloseOnExec = 0x80000;

    public const int ENoEnt = 2;
    public const int ENxIo = 6;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int ELoop = 40;

    private const int CommonFlags = CloseOnExec | NonBlocking | NoControllingTerminal;

    /// <summary>Opens an absolute path (following symlinks); returns the handle or the errno.</summary>
    public static SafeFileHandle? Open(string path, int flags, out int errno)
    {
        var fd = NativeMethods.open(CString(path), flags | CommonFlags, 0);
        return Wrap(fd, out errno);
    }

    /// <summary>Opens <paramref name="name"/> (one component) relative to an open directory.</summary>
    public static SafeFileHandle? OpenAt(SafeFileHandle directory, string name, int flags, out int errno)
    {
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            var fd = NativeMethods.openat((int)directory.DangerousGetHandle(), CString(name), flags | CommonFlags, 0x1B6 /* 0666 */);
            return Wrap(fd, out errno);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>Creates the directory <paramref name="name"/> inside an open directory; returns 0 or the errno.</summary>
    public static int MakeDirectoryAt(SafeFileHandle directory, string name)
    {
        var added = false;
        directory.DangerousAddRef(ref added);
        try
        {
            return NativeMethods.mkdirat((int)directory.DangerousGetHandle(), CString(name), 0x1FF /* 0777, less umask */) == 0
                ? 0
                : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>Whether the descriptor can seek: regular files can, FIFOs and sockets cannot.</summary>
    public static bool CanSeek(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return NativeMethods.lseek((int)handle.DangerousGetHandle(), 0, 1 /* SEEK_CUR */) >= 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The path the kernel has for an open descriptor (<c>/proc/self/fd/N</c>), or null when it cannot say.</summary>
    public static string? RealPath(SafeFileHandle handle) => new FileInfo(DescriptorPath(handle)).LinkTarget;

    /// <summary>A path that names the open descriptor itself, for APIs that take a path (directory enumeration).</summary>
    public static string DescriptorPath(SafeFileHandle handle) => "/proc/self/fd/" + handle.DangerousGetHandle().ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SafeFileHandle? Wrap(int fd, out int errno)
    {
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static byte[] CString(string path) => Encoding.UTF8.GetBytes(path + "\0");

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, CA2101, IDE1006 // plain blittable libc calls, as Core's AtomicFile does
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int open(byte[] path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int openat(int directoryFd, byte[] path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mkdirat(int directoryFd, byte[] path, int mode);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern long lseek(int fd, long offset, int whence);
#pragma warning restore SYSLIB1054, CA5392, CA2101, IDE1006
    }
}
