namespace OpenClaw.Agents.Tools;

/// <summary>Limits and checks the file tools share.</summary>
internal static class FileText
{
    /// <summary>How many leading bytes are searched for a NUL to call a file binary.</summary>
    public const int BinaryProbeBytes = 8192;

    /// <summary>The largest file edit_file rewrites and grep searches.</summary>
    public const int MaxTextFileBytes = 10 * 1024 * 1024;

    /// <summary>Whether the bytes look binary (a NUL among the first <see cref="BinaryProbeBytes"/>).</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head) => head[..Math.Min(head.Length, BinaryProbeBytes)].Contains((byte)0);

    /// <summary>Reads the first bytes of a stream for <see cref="LooksBinary"/>, then rewinds it.</summary>
    public static async ValueTask<bool> StartsBinaryAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var head = new byte[BinaryProbeBytes];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        return LooksBinary(head.AsSpan(0, read));
    }
}
