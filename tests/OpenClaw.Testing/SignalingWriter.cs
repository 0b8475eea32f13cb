using System.Text;

namespace OpenClaw.Testing;

/// <summary>
/// A thread-safe <see cref="TextWriter"/> that records what is written and completes a task when the text first
/// contains a given marker, so a test can wait for "listening on …" without polling.
/// </summary>
public sealed class SignalingWriter(string marker) : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Completes with everything written so far once <c>marker</c> has appeared.</summary>
    public Task<string> MarkerSeen => _seen.Task;

    /// <inheritdoc />
    public override void Write(char value)
    {
        string snapshot;
        lock (_text)
        {
            _text.Append(value);
            snapshot = value == '\n' ? _text.ToString() : string.Empty;
        }

        if (snapshot.Contains(marker, StringComparison.Ordinal))
        {
            _seen.TrySetResult(snapshot);
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
