using System.Collections.Concurrent;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Tests.Rpc;

/// <summary>
/// The role boundary of every method, generated from <see cref="MethodRoles.Table"/>: each caller (no credential, a
/// viewer, an operator and an admin user, the gateway token) calls each method over HTTP and over a WebSocket that
/// authenticated with <c>connect</c>, and gets exactly what the table says. A new method is swept without any edit here.
/// </summary>
public sealed class RoleBoundaryTests(RoleBoundaryTests.Fixture fixture) : IClassFixture<RoleBoundaryTests.Fixture>
{
    public static readonly string[] Callers = ["none", "viewer", "operator", "admin", "gateway"];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var method in MethodRoles.Table.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var caller in Callers)
            {
                data.Add(method, caller, "http");
                data.Add(method, caller, "ws");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Method_CalledByEachRoleOnEachTransport_IsAllowedOrRefusedAsTheTableSays(string method, string caller, string transport)
    {
        var required = MethodRoles.Table[method];
        var held = caller switch
        {
            "none" => Role.None,
            "viewer" => Role.Viewer,
            "operator" => Role.Operator,
            _ => Role.Admin,
        };

        var (error, status) = await fixture.CallAsync(caller, transport, method);

        if (held == Role.None && required > Role.None)
        {
            Assert.True(error?.Code == -32001, $"{method} without a credential over {transport}: expected -32001, got {Describe(error)}");
            if (status is { } s)
            {
                Assert.Equal(401, s);
            }
        }
        else if (held < required)
        {
            Assert.True(error?.Code == -32002, $"{method} as {caller} over {transport}: expected -32002, got {Describe(error)}");
            Assert.Contains($"needs the {required.ToWire()} role", error!.Message, StringComparison.Ordinal);
            Assert.Contains($"you have {held.ToWire()}", error.Message, StringComparison.Ordinal);
            if (status is { } s)
            {
                Assert.Equal(200, s); // a credential that is valid but too weak is not an HTTP authentication failure
            }
        }
        else
        {
            Assert.False(
                error?.Code is -32001 or -32002 or -32004,
                $"{method} as {caller} over {transport} (needs {required.ToWire()}) was refused: {Describe(error)}");
            if (status is { } s)
            {
                Assert.NotEqual(401, s);
            }
        }
    }

    [Fact]
    public async Task SystemMethods_ListsExactlyTheTablesMethodsWithTheirRoles()
    {
        using var client = fixture.Gateway.Rpc();

        var listed = (await client.ResultAsync("system.methods", cancellationToken: TestContext.Current.CancellationToken))
            .EnumerateArray()
            .Select(m => (Name: m.GetProperty("name").GetString()!, Role: m.GetProperty("role").GetString()!))
            .OrderBy(m => m.Name, StringComparer.Ordinal);

        var expected = MethodRoles.Table.Select(entry => (Name: entry.Key, Role: entry.Value.ToWire())).OrderBy(m => m.Name, StringComparer.Ordinal);
        Assert.Equal(expected, listed);
    }

    [Fact]
    public void Dispatcher_RegistersEveryMethodWithTheTablesRole()
    {
        var registered = fixture.Gateway.Service<RpcDispatcher>().Methods.Describe()
            .Select(m => (m.Name, m.Role))
            .OrderBy(m => m.Name, StringComparer.Ordinal);

        var expected = MethodRoles.Table.Select(entry => (Name: entry.Key, Role: entry.Value.ToWire())).OrderBy(m => m.Name, StringComparer.Ordinal);
        Assert.Equal(expected, registered);
    }

    private static string Describe(RpcTestError? error) => error is null ? "success" : $"{error.Code} {error.Message}";

    /// <summary>One gateway for the whole sweep, with a user of each role signed in once, and one socket per caller.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly Dictionary<string, string?> _tokens = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, WebSocketRpcTestClient> _sockets = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HttpRpcTestClient> _http = new(StringComparer.Ordinal);

        internal TestGateway Gateway { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Gateway = await TestGatewayAuth.StartAsync("{ gateway: { limits: { requestsPerMinute: 1000000, authFailuresPerMinute: 1000000, connectTimeoutSeconds: 3600 } } }");
            _tokens["none"] = null;
            _tokens["gateway"] = TestGateway.Token;
            foreach (var role in new[] { "viewer", "operator", "admin" })
            {
                _tokens[role] = (await Gateway.CreateAndLoginAsync("sweep-" + role, role)).AccessToken;
            }

            foreach (var (caller, token) in _tokens)
            {
                _http[caller] = Gateway.Rpc(token);
            }
        }

        /// <summary>Calls <paramref name="method"/> with <c>{}</c>; the error (null on success) and, over HTTP, the status.</summary>
        public async Task<(RpcTestError? Error, int? Status)> CallAsync(string caller, string transport, string method)
        {
            var cancellationToken = TestContext.Current.CancellationToken;
            if (transport == "http")
            {
                var client = _http[caller];
                var response = await client.CallAsync(method, "{}", cancellationToken);
                return (response.Error, client.LastStatus);
            }

            if (!_sockets.TryGetValue(caller, out var socket))
            {
                socket = _tokens[caller] is { } token ? await Gateway.ConnectedSocketAsync(token) : await Gateway.AnonymousSocketAsync();
                _sockets[caller] = socket;
            }

            return ((await socket.CallAsync(method, "{}", cancellationToken)).Error, null);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var socket in _sockets.Values)
            {
                await socket.DisposeAsync();
            }

            foreach (var client in _http.Values)
            {
                client.Dispose();
            }

            await Gateway.DisposeAsync();
        }
    }
}
