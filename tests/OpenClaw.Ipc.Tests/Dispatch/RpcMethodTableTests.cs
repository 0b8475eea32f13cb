using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>The one table of methods and roles: what it accepts and how <c>system.methods</c> lists it.</summary>
public sealed class RpcMethodTableTests
{
    private static readonly JsonElement s_ok = JsonDocument.Parse("true").RootElement.Clone();

    [Fact]
    public void Add_SameNameTwice_ThrowsNamingIt()
    {
        var table = new RpcMethodTable();
        Add(table, "sessions.list", Role.Viewer);

        var error = Assert.Throws<InvalidOperationException>(() => Add(table, "sessions.list", Role.Admin));

        Assert.Contains("'sessions.list'", error.Message, StringComparison.Ordinal);
        Assert.Equal(Role.Viewer, table.MinimumRoleOf("sessions.list"));
    }

    [Theory]
    [InlineData("rpc.discover")]
    [InlineData("rpc.")]
    [InlineData("")]
    public void Add_ReservedOrEmptyName_Throws(string name)
    {
        var table = new RpcMethodTable();

        Assert.Throws<InvalidOperationException>(() => Add(table, name, Role.None));
    }

    [Theory]
    [InlineData("rpc")]
    [InlineData("rpcx.ping")]
    [InlineData("RPC.ping")]
    public void Add_NameMerelyLikeTheReservedPrefix_IsAccepted(string name)
    {
        var table = new RpcMethodTable();

        Add(table, name, Role.None);

        Assert.Equal(Role.None, table.MinimumRoleOf(name));
    }

    [Fact]
    public void Add_AfterADispatcherUsesTheTable_Throws()
    {
        var table = new RpcMethodTable();
        Add(table, "a", Role.None);
        _ = new RpcDispatcher(table);

        Assert.Throws<InvalidOperationException>(() => Add(table, "b", Role.None));
    }

    [Fact]
    public void Describe_ListsEveryMethodSortedByNameWithWireRoleNames()
    {
        var table = new RpcMethodTable();
        Add(table, "users.list", Role.Admin);
        Add(table, "connect", Role.None);
        Add(table, "system.status", Role.Viewer);
        Add(table, "chat.send", Role.Operator);

        var json = JsonSerializer.Serialize(table.Describe(), IpcJsonContext.Default.IReadOnlyListRpcMethodInfo);

        Assert.Equal(
            """[{"name":"chat.send","role":"operator"},{"name":"connect","role":"none"},{"name":"system.status","role":"viewer"},{"name":"users.list","role":"admin"}]""",
            json);
    }

    [Fact]
    public async Task Describe_ServedAsSystemMethods_ListsTheRolesAClientReads()
    {
        var harness = new DispatchHarness();

        var response = RpcAssert.Single(await harness.SendAsync("""{"jsonrpc": "2.0", "method": "system.methods", "id": 1}""", Principal.GatewayToken));

        var methods = response.GetProperty("result").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("role").GetString());
        Assert.Equal("admin", methods["admin.users"]);
        Assert.Equal("operator", methods["operator.chat"]);
        Assert.Equal("viewer", methods["system.methods"]);
        Assert.Equal("none", methods["echo"]);
        Assert.Equal(harness.Table.Describe().Count, methods.Count);
    }

    [Fact]
    public void MinimumRoleOf_UnknownMethod_IsNull()
    {
        var table = new RpcMethodTable();
        Add(table, "a", Role.Operator);

        Assert.Equal(Role.Operator, table.MinimumRoleOf("a"));
        Assert.Null(table.MinimumRoleOf("A"));
        Assert.Null(table.MinimumRoleOf("b"));
    }

    private static void Add(RpcMethodTable table, string name, Role role) =>
        table.Add(name, role, DispatchTestJsonContext.Default.JsonElement, (_, _) => ValueTask.FromResult(s_ok));
}
