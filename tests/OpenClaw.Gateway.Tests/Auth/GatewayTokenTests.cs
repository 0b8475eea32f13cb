using OpenClaw.Core;
using OpenClaw.Gateway.Auth;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class GatewayTokenTests : IDisposable
{
    private readonly AuthHarness _auth = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _auth.Dispose();

    [Fact]
    public async Task Ensure_FirstRun_CreatesATokenOnceThatSurvivesRestarts()
    {
        Assert.Equal(GatewayTokenSource.Created, await _auth.GatewayToken.EnsureAsync(Ct));
        var created = (await _auth.GatewayToken.RevealAsync(Ct)).Reveal();
        Assert.Equal(GatewayTokenSource.Created, await _auth.GatewayToken.EnsureAsync(Ct));

        _auth.Restart();

        Assert.Equal(GatewayTokenSource.Stored, await _auth.GatewayToken.EnsureAsync(Ct));
        Assert.Equal(created, (await _auth.GatewayToken.RevealAsync(Ct)).Reveal());
        Assert.True(_auth.GatewayToken.Matches(created));
        Assert.Equal(43, created.Length); // 32 random bytes, base64url without padding
        Assert.Equal(created, (await _auth.Credentials.GetAsync(GatewayToken.CredentialName, Ct))?.Reveal());
    }

    [Fact]
    public async Task Ensure_EnvironmentVariableSet_OverridesTheStoredToken()
    {
        await _auth.GatewayToken.EnsureAsync(Ct);
        var stored = (await _auth.GatewayToken.RevealAsync(Ct)).Reveal();
        _auth.SetEnvironment(GatewayToken.EnvironmentVariable, "from-the-environment-1234");
        _auth.Restart();

        Assert.Equal(GatewayTokenSource.Environment, await _auth.GatewayToken.EnsureAsync(Ct));

        Assert.True(_auth.GatewayToken.Matches("from-the-environment-1234"));
        Assert.False(_auth.GatewayToken.Matches(stored));
        Assert.Equal("from-the-environment-1234", (await _auth.GatewayToken.RevealAsync(Ct)).Reveal());
    }

    [Fact]
    public async Task Ensure_EnvironmentTokenTooShortToBeSafe_RefusesToStartAndNamesTheFix()
    {
        _auth.SetEnvironment(GatewayToken.EnvironmentVariable, "t0k3n");
        _auth.Restart();

        var ex = await Assert.ThrowsAsync<OpenClawException>(() => _auth.GatewayToken.EnsureAsync(Ct));

        Assert.Contains("too short (5 characters)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", ex.Message, StringComparison.Ordinal);
        Assert.False(_auth.GatewayToken.Matches("t0k3n"));
    }

    [Fact]
    public async Task Rotate_ReplacesTheStoredToken()
    {
        await _auth.GatewayToken.EnsureAsync(Ct);
        var old = (await _auth.GatewayToken.RevealAsync(Ct)).Reveal();

        var rotated = (await _auth.GatewayToken.RotateAsync(Ct)).Reveal();

        Assert.NotEqual(old, rotated);
        Assert.False(_auth.GatewayToken.Matches(old));
        Assert.True(_auth.GatewayToken.Matches(rotated));
        _auth.Restart();
        Assert.Equal(GatewayTokenSource.Stored, await _auth.GatewayToken.EnsureAsync(Ct));
        Assert.True(_auth.GatewayToken.Matches(rotated));
    }

    [Fact]
    public async Task Rotate_WhileTheEnvironmentOverrides_IsRefusedWithAFix()
    {
        _auth.SetEnvironment(GatewayToken.EnvironmentVariable, "from-the-environment-1234");
        _auth.Restart();
        await _auth.GatewayToken.EnsureAsync(Ct);

        var error = await Assert.ThrowsAsync<OpenClawException>(() => _auth.GatewayToken.RotateAsync(Ct));

        Assert.Contains(GatewayToken.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-environment-1234", error.Message, StringComparison.Ordinal);
        Assert.True(_auth.GatewayToken.Matches("from-the-environment-1234"));
    }

    [Fact]
    public async Task Matches_OnlyTheExactToken()
    {
        Assert.False(_auth.GatewayToken.Matches("anything")); // nothing loaded yet
        _auth.SetEnvironment(GatewayToken.EnvironmentVariable, "secret-token-value");
        await _auth.GatewayToken.EnsureAsync(Ct);

        Assert.True(_auth.GatewayToken.Matches("secret-token-value"));
        Assert.False(_auth.GatewayToken.Matches("secret-token-valuE"));
        Assert.False(_auth.GatewayToken.Matches("secret-token-value "));
        Assert.False(_auth.GatewayToken.Matches("secret-token"));
        Assert.False(_auth.GatewayToken.Matches(string.Empty));
        Assert.False(_auth.GatewayToken.Matches(null));
        Assert.False(_auth.GatewayToken.Matches(new string('x', 10_000))); // longer than the stack buffer
    }
}
