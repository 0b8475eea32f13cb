namespace OpenClaw.Core.State;

/// <summary>Files only their owner may read: databases and lock files in the state directory.</summary>
public static class PrivateFile
{
    /// <summary>
    /// Creates <paramref name="path"/> empty with mode 0600 when it does not exist (SQLite takes an empty file as a new
    /// database and gives its -wal and -shm files the same mode). A file created meanwhile by another process is left as
    /// it is. Does nothing on Windows, where the directory's ACL decides.
    /// </summary>
    public static void CreateIfMissing(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile: it is opened as it is.
        }
    }
}
