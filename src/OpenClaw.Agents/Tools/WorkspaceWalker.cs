namespace OpenClaw.Agents.Tools;

/// <summary>
/// Walks a workspace tree depth-first, in name order, through opened and checked directories. Directories reached
/// through a symlink are not entered (as git and ripgrep do), so a walk never leaves the workspace and never loops;
/// <c>.git</c> is skipped. At most one directory per level is open at a time.
/// </summary>
internal static class WorkspaceWalker
{
    /// <summary>The most entries one walk looks at; past it the walk stops and says so.</summary>
    public const int MaxVisited = 200_000;

    /// <summary>
    /// Calls <paramref name="visit"/> for every non-directory entry (files and symlinks) under the directory
    /// <paramref name="start"/> (workspace-relative), with its open directory, its entry and its path relative to
    /// <paramref name="start"/>; stops when it returns false.
    /// </summary>
    /// <returns>False when the walk stopped early (visit said so, or <see cref="MaxVisited"/> was reached).</returns>
    public static bool Walk(
        WorkspaceFiles files,
        string start,
        Func<WorkspaceDirectory, DirectoryEntry, string, bool> visit,
        CancellationToken cancellationToken)
    {
        var visited = 0;
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            var relativeToStart = pending.Pop();
            WorkspaceDirectory directory;
            try
            {
                directory = files.OpenDirectory(WorkspaceFiles.Join(start, relativeToStart).Trim('/'));
            }
            catch (ToolFailureException) when (relativeToStart.Length > 0)
            {
                // Swapped for a symlink out, or removed, since it was listed: skipped.
                continue;
            }

            using (directory)
            {
                var entries = new List<DirectoryEntry>();
                foreach (var entry in DirectoryEntry.Enumerate(directory.EnumerationPath))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (++visited > MaxVisited)
                    {
                        return false;
                    }

                    entries.Add(entry);
                }

                entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (var entry in entries)
                {
                    if (!entry.IsDirectory && !visit(directory, entry, WorkspaceFiles.Join(relativeToStart, entry.Name)))
                    {
                        return false;
                    }
                }

                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    if (entries[i].IsDirectory && entries[i].Name != ".git")
                    {
                        pending.Push(WorkspaceFiles.Join(relativeToStart, entries[i].Name));
                    }
                }
            }
        }

        return true;
    }
}
