using System.CommandLine;
using System.Text;
using OpenClaw.Core;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;

namespace OpenClaw.Cli.Credentials;

/// <summary><c>openclaw credentials list | set | delete | rotate-key</c>: the encrypted credential store.</summary>
/// <remarks>
/// A secret is never taken from the command line (argv is visible to every process on the machine): it is read from
/// standard input, typed without echo at a terminal, or taken from a named environment variable.
/// </remarks>
internal static class CredentialCommands
{
    /// <summary>Builds the command; <paramref name="getEnvironmentVariable"/> and <paramref name="input"/> replace the process's (tests).</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, TextReader? input = null)
    {
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        CredentialStore OpenStore() =>
            new(StatePaths.FromEnvironment(environment), CredentialStoreOptions.FromEnvironment(environment));

        var json = new Option<bool>("--json") { Description = "Print the names as a JSON array." };
        var list = new Command("list", "List the names of stored credentials (values are never printed).") { json };
        list.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            using var store = OpenStore();
            var names = await store.ListAsync(cancellationToken);
            if (result.GetValue(json))
            {
                using var buffer = new MemoryStream();
                using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
                {
                    writer.WriteStartArray();
                    foreach (var name in names)
                    {
                        writer.WriteStringValue(name);
                    }

                    writer.WriteEndArray();
                }

                await result.InvocationConfiguration.Output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                return 0;
            }

            foreach (var name in names)
            {
                await result.InvocationConfiguration.Output.WriteLineAsync(name);
            }

            return 0;
        }));

        var setName = new Argument<string>("name") { Description = "The credential's name, e.g. anthropic or telegram." };
        var fromEnv = new Option<string?>("--from-env") { Description = "Read the value from this environment variable instead of standard input." };
        var set = new Command("set", "Store a secret, read from standard input (typed without echo at a terminal).") { setName, fromEnv };
        set.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            var name = result.GetRequiredValue(setName);
            string? value;
            if (result.GetValue(fromEnv) is { } variable)
            {
                value = environment(variable);
                if (string.IsNullOrEmpty(value))
                {
                    throw new OpenClawException($"the environment variable {variable} is not set or is empty.");
                }
            }
            else
            {
                value = await ReadSecretAsync(input, result.InvocationConfiguration.Error, name, cancellationToken);
            }

            using var store = OpenStore();
            await store.SetAsync(name, new Secret(value), cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync($"credential '{name}' stored.");
            return 0;
        }));

        var deleteName = new Argument<string>("name") { Description = "The credential to delete." };
        var delete = new Command("delete", "Delete a stored credential.") { deleteName };
        delete.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            var name = result.GetRequiredValue(deleteName);
            using var store = OpenStore();
            if (!await store.DeleteAsync(name, cancellationToken))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"error: no credential named '{name}'.");
                return 1;
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"credential '{name}' deleted.");
            return 0;
        }));

        var rotate = new Command("rotate-key", "Re-encrypt every credential under a new key (crash-safe).");
        rotate.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            using var store = OpenStore();
            var total = 0;
            using (var progress = CliProgress.For(result.InvocationConfiguration.Error))
            {
                await store.RotateKeyAsync(progress: new InlineProgress(p =>
                {
                    total = p.Total;
                    progress.Update($"re-encrypting credentials: {p.Done}/{p.Total}", force: p.Done == p.Total);
                }), cancellationToken: cancellationToken);
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"credential key rotated ({total} credential(s) re-encrypted).");
            return 0;
        }));

        return new Command("credentials", "Manage the encrypted credential store.") { list, set, delete, rotate };
    }

    private static async Task<string> ReadSecretAsync(TextReader? input, TextWriter prompt, string name, CancellationToken cancellationToken)
    {
        string? value;
        if (input is null && !Console.IsInputRedirected)
        {
            await prompt.WriteAsync($"Value for '{name}' (not echoed): ");
            value = ReadWithoutEcho();
            await prompt.WriteLineAsync();
        }
        else
        {
            value = await (input ?? Console.In).ReadLineAsync(cancellationToken);
        }

        if (string.IsNullOrEmpty(value))
        {
            throw new OpenClawException("no value was given; pipe it on standard input or use --from-env VAR.");
        }

        return value;
    }

    internal static string ReadWithoutEcho()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return sb.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                {
                    sb.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
    }

    /// <summary>Progress reported on the reporting thread, so the line on screen follows the work exactly.</summary>
    private sealed class InlineProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
