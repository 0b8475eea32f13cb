using OpenClaw.Gateway.Auth;
using OpenClaw.Gateway.Health;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Gateway.Security;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Methods;

/// <summary><c>connect</c>, <c>auth.*</c> and <c>users.*</c>: signing in, tokens, and the users who may sign in.</summary>
internal sealed class AuthMethods(AuthGate gate, TokenService tokens, UserStore users) : IRpcMethodGroup
{
    public void Register(RpcMethodTable table)
    {
        table.Add("connect", MethodRoles.For("connect"), GatewayJsonContext.Default.ConnectParams, GatewayJsonContext.Default.ConnectResult, ConnectAsync);
        table.Add("auth.login", MethodRoles.For("auth.login"), GatewayJsonContext.Default.LoginParams, GatewayJsonContext.Default.TokenPairResult, LoginAsync);
        table.Add("auth.refresh", MethodRoles.For("auth.refresh"), GatewayJsonContext.Default.RefreshParams, GatewayJsonContext.Default.TokenPairResult, RefreshAsync);
        table.Add("auth.logout", MethodRoles.For("auth.logout"), GatewayJsonContext.Default.RefreshParams, GatewayJsonContext.Default.RpcEmpty, LogoutAsync);
        table.Add("auth.me", MethodRoles.For("auth.me"), GatewayJsonContext.Default.MeResult, MeAsync);
        table.Add("users.list", MethodRoles.For("users.list"), GatewayJsonContext.Default.UsersResult, ListAsync);
        table.Add("users.create", MethodRoles.For("users.create"), GatewayJsonContext.Default.CreateUserParams, GatewayJsonContext.Default.UserResult, CreateAsync);
        table.Add("users.update", MethodRoles.For("users.update"), GatewayJsonContext.Default.UpdateUserParams, GatewayJsonContext.Default.UserResult, UpdateAsync);
        table.Add("users.delete", MethodRoles.For("users.delete"), GatewayJsonContext.Default.DeleteUserParams, GatewayJsonContext.Default.RpcEmpty, DeleteAsync);
    }

    // A socket without a header credential authenticates with its first connect; its token is then re-checked on each call.
    private async ValueTask<ConnectResult> ConnectAsync(ConnectParams parameters, RpcContext context, CancellationToken cancellationToken)
    {
        var (principal, error) = await gate.AuthenticateAsync(parameters.Token, context.Connection.RemoteAddress, cancellationToken);
        if (error is not null)
        {
            throw new RpcException(error.Code, error.Message, error.Data);
        }

        if (context.Connection is WebSocketRpcConnection socket)
        {
            socket.Credential = parameters.Token; // re-checked on every later call of the socket
        }

        context.Connection.Principal = principal;
        return new ConnectResult(principal!.Role.ToWire(), await UserOfAsync(principal, cancellationToken), HealthEndpoints.Version);
    }

    private async ValueTask<TokenPairResult> LoginAsync(LoginParams parameters, RpcContext context, CancellationToken cancellationToken) =>
        TokenPairResult.From(await gate.GuardAsync(
            context.Connection.RemoteAddress, ct => tokens.LoginAsync(parameters.Username, parameters.Password, ct), cancellationToken));

    private async ValueTask<TokenPairResult> RefreshAsync(RefreshParams parameters, RpcContext context, CancellationToken cancellationToken) =>
        TokenPairResult.From(await gate.GuardAsync(
            context.Connection.RemoteAddress, ct => tokens.RefreshAsync(parameters.RefreshToken, ct), cancellationToken));

    private async ValueTask<RpcEmpty> LogoutAsync(RefreshParams parameters, RpcContext context, CancellationToken cancellationToken)
    {
        await tokens.LogoutAsync(parameters.RefreshToken, cancellationToken);
        return RpcEmpty.Instance;
    }

    private async ValueTask<MeResult> MeAsync(RpcContext context, CancellationToken cancellationToken)
    {
        var principal = context.Principal!;
        return new MeResult(await UserOfAsync(principal, cancellationToken), principal.Role.ToWire());
    }

    private async ValueTask<UsersResult> ListAsync(RpcContext context, CancellationToken cancellationToken) =>
        new([.. (await users.ListAsync(cancellationToken)).Select(UserView.From)]);

    private async ValueTask<UserResult> CreateAsync(CreateUserParams parameters, RpcContext context, CancellationToken cancellationToken) =>
        new(UserView.From(await users.CreateAsync(parameters.Username, parameters.Password, ParseRole(parameters.Role), cancellationToken)));

    private async ValueTask<UserResult> UpdateAsync(UpdateUserParams parameters, RpcContext context, CancellationToken cancellationToken)
    {
        Role? role = parameters.Role is null ? null : ParseRole(parameters.Role);
        return new(UserView.From(await users.UpdateAsync(parameters.Id, role, parameters.Active, parameters.Password, cancellationToken)));
    }

    private async ValueTask<RpcEmpty> DeleteAsync(DeleteUserParams parameters, RpcContext context, CancellationToken cancellationToken)
    {
        await users.DeleteAsync(parameters.Id, cancellationToken);
        return RpcEmpty.Instance;
    }

    private async Task<UserView?> UserOfAsync(Principal principal, CancellationToken cancellationToken) =>
        principal.UserId is { } id ? UserView.From(await users.GetAsync(id, cancellationToken)) : null;

    // A user's role is one of viewer, operator and admin; "none" is no role to hold.
    private static Role ParseRole(string role) =>
        RoleNames.TryParse(role, out var parsed) && parsed != Role.None
            ? parsed
            : throw RpcException.InvalidParams("Invalid params: role must be \"viewer\", \"operator\" or \"admin\".", "role");
}

/// <summary><c>connect</c> params.</summary>
internal sealed record ConnectParams(string Token);

/// <summary><c>connect</c> result: the role the socket now holds, the user (for user tokens) and the server's version.</summary>
internal sealed record ConnectResult(string Role, UserView? User, string ServerVersion);

/// <summary><c>auth.login</c> params.</summary>
internal sealed record LoginParams(string Username, string Password);

/// <summary><c>auth.refresh</c> and <c>auth.logout</c> params.</summary>
internal sealed record RefreshParams(string RefreshToken);

/// <summary>A user as clients see it (never the password hash).</summary>
internal sealed record UserView(string Id, string Username, string Role, bool Active, string CreatedAt, string UpdatedAt)
{
    public static UserView From(AuthUser user) => new(user.Id, user.Username, user.Role.ToWire(), user.Active, user.CreatedAt, user.UpdatedAt);
}

/// <summary><c>auth.login</c> and <c>auth.refresh</c> result.</summary>
internal sealed record TokenPairResult(string AccessToken, string RefreshToken, string ExpiresAt, UserView User)
{
    public static TokenPairResult From(TokenPair pair) => new(pair.AccessToken, pair.RefreshToken, pair.ExpiresAt, UserView.From(pair.User));
}

/// <summary><c>auth.me</c> result: the user (null for the gateway token) and the role held.</summary>
internal sealed record MeResult(UserView? User, string Role);

/// <summary><c>users.list</c> result.</summary>
internal sealed record UsersResult(IReadOnlyList<UserView> Users);

/// <summary><c>users.create</c> and <c>users.update</c> result.</summary>
internal sealed record UserResult(UserView User);

/// <summary><c>users.create</c> params.</summary>
internal sealed record CreateUserParams(string Username, string Password, string Role);

/// <summary><c>users.update</c> params; only the fields given change.</summary>
internal sealed record UpdateUserParams(string Id, string? Role = null, bool? Active = null, string? Password = null);

/// <summary><c>users.delete</c> params.</summary>
internal sealed record DeleteUserParams(string Id);
