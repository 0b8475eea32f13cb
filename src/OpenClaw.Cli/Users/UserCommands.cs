using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core;

namespace OpenClaw.Cli.Users;

/// <summary>
/// <c>openclaw users list | create | update | delete | reset-password</c>: the dashboard's users, over RPC to the
/// running gateway (its <c>users.*</c> methods, which need the admin role: the gateway token has it).
/// </summary>
/// <remarks>
/// A password is never taken from the command line (argv is visible to every process on the machine): it is read
/// from standard input, or typed twice without echo at a terminal.
/// </remarks>
internal static class UserCommands
{
    /// <summary>The roles a user may hold.</summary>
    public static readonly string[] Roles = ["viewer", "operator", "admin"];

    /// <summary>Builds <c>users</c>; tests replace the environment, standard input and the time limits.</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, TextReader? input = null, RpcClientOptions? options = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var client = new Client(env, input, options ?? new RpcClientOptions());
        var users = new Command("users", "Manage the users who may sign in to the dashboard (needs the admin role; the gateway token has it).");

        {
            var connection = new GatewayConnectionOptions();
            var json = new Option<bool>("--json") { Description = "Print the gateway's answer as JSON." };
            var list = new Command("list", "List the users: id, name, role, whether active.") { json };
            connection.AddTo(list);
            list.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
            {
                using var answer = await client.CallAsync(result, connection, "users.list", null, ct);
                if (answer is null)
                {
                    return CliExit.Failure;
                }

                await result.InvocationConfiguration.Output.WriteLineAsync(
                    result.GetValue(json) ? RpcCall.Indented(answer.RootElement) : Table(answer.RootElement.GetProperty("users")));
                return CliExit.Success;
            }));
            users.Subcommands.Add(list);
        }

        {
            var connection = new GatewayConnectionOptions();
            var username = new Argument<string>("username") { Description = "The name they sign in with (letters, digits, '-', '_', '.'; at most 64)." };
            var role = RoleOption("The user's role (default: viewer).");
            var create = new Command("create", "Create a user; the password is read from standard input, or typed twice without echo.") { username, role };
            connection.AddTo(create);
            create.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
            {
                var name = result.GetRequiredValue(username);
                var password = await client.ReadPasswordAsync(result, $"Password for '{name}'", ct);
                using var answer = await client.CallAsync(
                    result, connection, "users.create", Params(w => w.WriteString("username", name), w => w.WriteString("password", password),
                        w => w.WriteString("role", result.GetValue(role) ?? "viewer")), ct);
                if (answer is null)
                {
                    return CliExit.Failure;
                }

                var user = answer.RootElement.GetProperty("user");
                await result.InvocationConfiguration.Output.WriteLineAsync(
                    $"created user {Text(user, "username")} (id {Text(user, "id")}, role {Text(user, "role")}).");
                return CliExit.Success;
            }));
            users.Subcommands.Add(create);
        }

        {
            var connection = new GatewayConnectionOptions();
            var who = UserArgument();
            var role = RoleOption("The new role.");
            var active = new Option<bool?>("--active")
            {
                Description = "--active false deactivates the user (signed out, cannot sign in); --active true lets them in again.",
            };
            var update = new Command("update", "Change a user's role or whether they may sign in.") { who, role, active };
            connection.AddTo(update);
            update.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
            {
                var newRole = result.GetValue(role);
                var newActive = result.GetValue(active);
                if (newRole is null && newActive is null)
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync(
                        "error: nothing to change; give --role and/or --active (change a password with `openclaw users reset-password`).");
                    return CliExit.Usage;
                }

                var id = await client.ResolveAsync(result, connection, result.GetRequiredValue(who), ct);
                if (id is null)
                {
                    return CliExit.Failure;
                }

                var fields = new List<Action<Utf8JsonWriter>> { w => w.WriteString("id", id) };
                if (newRole is not null)
                {
                    fields.Add(w => w.WriteString("role", newRole));
                }

                if (newActive is { } flag)
                {
                    fields.Add(w => w.WriteBoolean("active", flag));
                }

                using var answer = await client.CallAsync(result, connection, "users.update", Params([.. fields]), ct);
                if (answer is null)
                {
                    return CliExit.Failure;
                }

                var user = answer.RootElement.GetProperty("user");
                await result.InvocationConfiguration.Output.WriteLineAsync(
                    $"updated {Text(user, "username")}: role {Text(user, "role")}, {(Active(user) ? "active" : "inactive")}.");
                return CliExit.Success;
            }));
            users.Subcommands.Add(update);
        }

        {
            var connection = new GatewayConnectionOptions();
            var who = UserArgument();
            var delete = new Command("delete", "Delete a user (they are signed out at once).") { who };
            connection.AddTo(delete);
            delete.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
            {
                var name = result.GetRequiredValue(who);
                var id = await client.ResolveAsync(result, connection, name, ct);
                if (id is null)
                {
                    return CliExit.Failure;
                }

                using var answer = await client.CallAsync(result, connection, "users.delete", Params(w => w.WriteString("id", id)), ct);
                if (answer is null)
                {
                    return CliExit.Failure;
                }

                await result.InvocationConfiguration.Output.WriteLineAsync($"deleted user {CliText.Printable(name)}.");
                return CliExit.Success;
            }));
            users.Subcommands.Add(delete);
        }

        {
            var connection = new GatewayConnectionOptions();
            var who = UserArgument();
            var reset = new Command("reset-password", "Set a user's password (read from standard input, or typed twice without echo); signs them out everywhere.") { who };
            connection.AddTo(reset);
            reset.SetAction((result, ct) => CliErrors.RunAsync(result, async () =>
            {
                var name = result.GetRequiredValue(who);
                var id = await client.ResolveAsync(result, connection, name, ct);
                if (id is null)
                {
                    return CliExit.Failure;
                }

                var password = await client.ReadPasswordAsync(result, $"New password for '{CliText.Printable(name)}'", ct);
                using var answer = await client.CallAsync(
                    result, connection, "users.update", Params(w => w.WriteString("id", id), w => w.WriteString("password", password)), ct);
                if (answer is null)
                {
                    return CliExit.Failure;
                }

                await result.InvocationConfiguration.Output.WriteLineAsync($"password of {CliText.Printable(name)} changed; their sessions were signed out.");
                return CliExit.Success;
            }));
            users.Subcommands.Add(reset);
        }

        return users;
    }

    // Checked while parsing, so a typo is a usage error and nothing is sent.
    private static Option<string?> RoleOption(string description)
    {
        var role = new Option<string?>("--role") { Description = description + " viewer, operator or admin." };
        role.AcceptOnlyFromAmong(Roles);
        return role;
    }

    private static Argument<string> UserArgument() => new("user") { Description = "The user's name or id (see `openclaw users list`)." };

    private static JsonElement Params(params Action<Utf8JsonWriter>[] members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var member in members)
            {
                member(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static readonly string[] s_columns = ["ID", "USERNAME", "ROLE", "ACTIVE", "CREATED (UTC)"];

    private static string Table(JsonElement users)
    {
        if (users.GetArrayLength() == 0)
        {
            return "No users yet; create one with `openclaw users create <username> --role operator`.";
        }

        List<string[]> rows = [s_columns];
        foreach (var u in users.EnumerateArray())
        {
            rows.Add([Text(u, "id"), Text(u, "username"), Text(u, "role"), Active(u) ? "yes" : "no", Time(u, "createdAt")]);
        }

        return CliText.Table(rows);
    }

    private static bool Active(JsonElement user) => user.TryGetProperty("active", out var a) && a.ValueKind == JsonValueKind.True;

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? CliText.Printable(v.GetString()!) : "-";

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetDateTimeOffset(out var t) ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";


    private sealed class Client(Func<string, string?> env, TextReader? input, RpcClientOptions options)
    {
        public async Task<JsonDocument?> CallAsync(
            ParseResult result, GatewayConnectionOptions connection, string method, JsonElement? parameters, CancellationToken cancellationToken)
        {
            var target = await connection.ResolveAsync(result, env, cancellationToken);
            return await RpcCall.CallAsync(target, method, parameters, options, result.InvocationConfiguration.Error, cancellationToken);
        }

        /// <summary>The id of the user named <paramref name="user"/> (an id, or a username in any case), or null after printing why not.</summary>
        public async Task<string?> ResolveAsync(ParseResult result, GatewayConnectionOptions connection, string user, CancellationToken cancellationToken)
        {
            using var answer = await CallAsync(result, connection, "users.list", null, cancellationToken);
            if (answer is null)
            {
                return null;
            }

            var users = answer.RootElement.GetProperty("users").EnumerateArray().ToList();
            var match = users.FirstOrDefault(u => u.GetProperty("id").GetString() == user);
            if (match.ValueKind == JsonValueKind.Undefined)
            {
                match = users.FirstOrDefault(u => string.Equals(u.GetProperty("username").GetString(), user, StringComparison.OrdinalIgnoreCase));
            }

            return match.ValueKind == JsonValueKind.Undefined
                ? throw new OpenClawException($"there is no user named '{CliText.Printable(user)}' (see `openclaw users list`).")
                : match.GetProperty("id").GetString();
        }

        /// <summary>A password from standard input (its first line), or typed twice without echo at a terminal.</summary>
        public async Task<string> ReadPasswordAsync(ParseResult result, string prompt, CancellationToken cancellationToken)
        {
            var error = result.InvocationConfiguration.Error;
            string? password;
            if (input is null && !Console.IsInputRedirected)
            {
                password = await PromptAsync(error, prompt);
                if (!string.IsNullOrEmpty(password) && await PromptAsync(error, "Again") != password)
                {
                    throw new OpenClawException("the two passwords differ; nothing was changed.");
                }
            }
            else
            {
                password = await (input ?? Console.In).ReadLineAsync(cancellationToken);
            }

            return string.IsNullOrEmpty(password)
                ? throw new OpenClawException("no password was given; type it at the prompt or pipe it on standard input (e.g. `openclaw users create alice < password.txt`).")
                : password;
        }

        private static async Task<string> PromptAsync(TextWriter error, string prompt)
        {
            await error.WriteAsync(prompt + " (not echoed): ");
            var typed = Credentials.CredentialCommands.ReadWithoutEcho();
            await error.WriteLineAsync();
            return typed;
        }
    }
}
