namespace OpenClaw.Testing;

/// <summary>The one timeout every test uses when it waits for something.</summary>
public static class TestTimeouts
{
    /// <summary>Long enough for a loaded 2-core CI machine, short enough that a hang fails the run.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
}
