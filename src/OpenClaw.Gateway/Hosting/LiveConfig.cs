using OpenClaw.Core.Config;

namespace OpenClaw.Gateway.Hosting;

/// <summary>The config in force right now; replaced as a whole when a valid edit is applied.</summary>
/// <remarks>Reads are lock-free and see either the old or the new config, never a mix.</remarks>
internal sealed class LiveConfig(OpenClawConfig initial)
{
    private volatile OpenClawConfig _current = initial;

    public OpenClawConfig Current
    {
        get => _current;
        set => _current = value ?? throw new ArgumentNullException(nameof(value));
    }
}
