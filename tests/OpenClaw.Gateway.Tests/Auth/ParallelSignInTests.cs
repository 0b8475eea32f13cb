using OpenClaw.Gateway.Tests.Rpc;

namespace OpenClaw.Gateway.Tests.Auth;

/// <summary>Guessing passwords in parallel gets no more tries than guessing them one by one.</summary>
public sealed class ParallelSignInTests
{
    [Fact]
    public async Task WrongPasswordsSentAllAtOnce_AreCheckedNoMoreThanTheFailureLimit()
    {
        await using var gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { authFailuresPerMinute: 3, requestsPerMinute: 1000000 } } }");
        await gateway.CreateUserAsync("alice", "viewer");

        var attempts = Enumerable.Range(0, 24).Select(async i =>
        {
            var (_, body, _) = await gateway.PostAsync(
                $$$"""{"jsonrpc":"2.0","id":{{{i}}},"method":"auth.login","params":{"username":"alice","password":"wrong-{{{i}}}-password"}}""",
                token: null);
            return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32();
        });
        var codes = await Task.WhenAll(attempts);

        // At most three were checked (and failed); every other one was refused before its password was looked at.
        Assert.InRange(codes.Count(c => c == -32001), 1, 3);
        Assert.Equal(24, codes.Count(c => c is -32001 or -32004));
    }
}
