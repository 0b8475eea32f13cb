using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Cli.Rpc;
using OpenClaw.Cli.Tests.Gateway;
using OpenClaw.Cli.Tests.Rpc;
using OpenClaw.Cli.Users;
using OpenClaw.Testing;

namespace OpenClaw.Cli.Tests.Users;

/// <summary><c>openclaw users</c> against a real gateway, signed in with its (admin) gateway token.</summary>
public sealed class UserCommandsTests : IAsyncLifetime
{
    private const string Password = "canary-user-password-41c2";

    private readonly TempDirectory _state = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private RpcTestGateway _gateway = null!;

    public UserCommandsTests()
    {
        _environment["OPENCLAW_STATE_DIR"] = _state.Path;
        _environment["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token;
    }

    public async ValueTask InitializeAsync() => _gateway = await RpcTestGateway.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _state.Dispose();
    }

    [Fact]
    public async Task Create_reads_the_password_from_stdin_and_list_shows_the_user()
    {
        var create = await InvokeAsync(["users", "create", "alice", "--role", "operator"], Password + "\n");
        var list = await InvokeAsync(["users", "list"]);
        var json = await InvokeAsync(["users", "list", "--json"]);

        Assert.Equal(0, create.Exit);
        Assert.StartsWith("created user alice (id ", create.Output, StringComparison.Ordinal);
        Assert.Contains("role operator", create.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.Exit);
        var lines = list.Output.Trim().Split('\n');
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"alice\s+operator\s+yes", lines[1]);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("alice", document.RootElement.GetProperty("users")[0].GetProperty("username").GetString());
        Assert.True(await CanSignInAsync("alice", Password));
        Assert.DoesNotContain(Password, create.Output + create.Error + list.Output + json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_before_anything_is_sent()
    {
        var create = await InvokeAsync(["users", "create", "bob", "--role", "root"], Password + "\n");
        var list = await InvokeAsync(["users", "list", "--json"]);

        Assert.NotEqual(0, create.Exit);
        Assert.Contains("root", create.Error, StringComparison.Ordinal);
        Assert.Contains("admin", create.Error, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(list.Output);
        Assert.Equal(0, document.RootElement.GetProperty("users").GetArrayLength());
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_not_accepted()
    {
        var create = await InvokeAsync(["users", "create", "bob", "--password", Password], "");

        Assert.NotEqual(0, create.Exit);
        Assert.Contains("--password", create.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_without_a_password_on_stdin_says_how_to_give_one()
    {
        var create = await InvokeAsync(["users", "create", "bob"], "");

        Assert.Equal(1, create.Exit);
        Assert.Equal("error: no password was given; type it at the prompt or pipe it on standard input (e.g. `openclaw users create alice < password.txt`).", create.Error.Trim());
    }

    [Fact]
    public async Task A_password_the_gateway_refuses_is_reported_with_its_reason()
    {
        var create = await InvokeAsync(["users", "create", "bob"], "short\n");

        Assert.Equal(1, create.Exit);
        Assert.StartsWith("error -32602: The password is too short", create.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", create.Error, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task Update_by_username_changes_the_role_and_deactivates()
    {
        Assert.Equal(0, (await InvokeAsync(["users", "create", "Alice"], Password + "\n")).Exit);

        var update = await InvokeAsync(["users", "update", "alice", "--role", "admin", "--active", "false"]);
        var list = await InvokeAsync(["users", "list"]);

        Assert.Equal(0, update.Exit);
        Assert.Equal("updated Alice: role admin, inactive.", update.Output.Trim());
        Assert.Matches(@"Alice\s+admin\s+no", list.Output);
        Assert.False(await CanSignInAsync("Alice", Password));
    }

    [Fact]
    public async Task Update_with_nothing_to_change_is_a_usage_error()
    {
        var update = await InvokeAsync(["users", "update", "alice"]);

        Assert.Equal(2, update.Exit);
        Assert.Contains("--role", update.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_password_lets_the_user_sign_in_with_the_new_one_only()
    {
        Assert.Equal(0, (await InvokeAsync(["users", "create", "alice"], Password + "\n")).Exit);
        var id = await IdOfAsync("alice");

        var reset = await InvokeAsync(["users", "reset-password", id], "canary-new-password-77\n");

        Assert.Equal(0, reset.Exit);
        Assert.Contains("signed out", reset.Output, StringComparison.Ordinal);
        Assert.True(await CanSignInAsync("alice", "canary-new-password-77"));
        Assert.False(await CanSignInAsync("alice", Password));
    }

    [Fact]
    public async Task Delete_removes_the_user_and_an_unknown_user_is_named()
    {
        Assert.Equal(0, (await InvokeAsync(["users", "create", "alice"], Password + "\n")).Exit);

        var delete = await InvokeAsync(["users", "delete", "alice"]);
        var again = await InvokeAsync(["users", "delete", "alice"]);

        Assert.Equal(0, delete.Exit);
        Assert.Equal("deleted user alice.", delete.Output.Trim());
        Assert.Equal(1, again.Exit);
        Assert.Equal("error: there is no user named 'alice' (see `openclaw users list`).", again.Error.Trim());
    }

    [Fact]
    public async Task Without_a_gateway_the_command_exits_3()
    {
        await _gateway.StopAsync();

        var list = await InvokeAsync(["users", "list"]);

        Assert.Equal(3, list.Exit);
        Assert.StartsWith("error: cannot reach the gateway", list.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_lists_users_and_exits_3_with_no_gateway()
    {
        using var state = new TempDirectory();
        var (exit, output) = await GatewayProcess.RunAsync(state.Path, "users", "list", "--url", "http://127.0.0.1:1");

        Assert.Equal(3, exit);
        Assert.Contains("error: cannot reach the gateway at http://127.0.0.1:1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_binary_creates_a_user_from_stdin_and_lists_it()
    {
        using var state = new TempDirectory();
        var environment = new Dictionary<string, string> { ["OPENCLAW_GATEWAY_TOKEN"] = RpcTestGateway.Token };

        var create = await GatewayProcess.RunWithInputAsync(state.Path, environment, Password + "\n", "users", "create", "carol", "--role", "admin", "--url", _gateway.Url);
        var list = await GatewayProcess.RunWithInputAsync(state.Path, environment, "", "users", "list", "--url", _gateway.Url);

        Assert.Equal(0, create.Exit);
        Assert.Contains("created user carol", create.Output, StringComparison.Ordinal);
        Assert.Equal(0, list.Exit);
        Assert.Matches(@"carol\s+admin\s+yes", list.StandardOutput);
        Assert.DoesNotContain(Password, create.Output + list.Output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> InvokeAsync(string[] args, string stdin = "")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { UserCommands.Create(Lookup, new StringReader(stdin)) };
        var exit = await root.Parse([.. args, "--url", _gateway.Url])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> IdOfAsync(string username)
    {
        var list = await InvokeAsync(["users", "list", "--json"]);
        using var document = JsonDocument.Parse(list.Output);
        return document.RootElement.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("username").GetString() == username).GetProperty("id").GetString()!;
    }

    private async Task<bool> CanSignInAsync(string username, string password)
    {
        var target = new GatewayTarget(new Uri(_gateway.Url + "/"), null, null);
        using var parameters = JsonDocument.Parse(new JsonObject { ["username"] = username, ["password"] = password }.ToJsonString());
        using var answer = await RpcCall.CallAsync(target, "auth.login", parameters.RootElement, new RpcClientOptions(), TextWriter.Null, TestContext.Current.CancellationToken);
        return answer is not null;
    }

    private string? Lookup(string name) => _environment.GetValueOrDefault(name);
}
