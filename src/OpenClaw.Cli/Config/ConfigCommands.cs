using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Cli.Gateway;
using OpenClaw.Cli.Rpc;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Methods;

namespace OpenClaw.Cli.Config;

/// <summary><c>openclaw config path | validate | get | set | unset | schema | show</c>.</summary>
internal static class ConfigCommands
{
    /// <summary>Builds the command; <paramref name="getEnvironmentVariable"/> replaces the process environment (tests).</summary>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null)
    {
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        ConfigLoader Loader(string? file = null) => file is null
            ? ConfigLoader.FromEnvironment(environment)
            : new ConfigLoader(new StatePaths(StatePaths.FromEnvironment(environment).Root, file), environment);

        var pathJson = JsonOption("Print {configFile, stateDir, exists} as JSON.");
        var path = new Command("path", "Print the config file's path (OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json).") { pathJson };
        path.SetAction(async (result, cancellationToken) => await RunAsync(result, async () =>
        {
            var loader = Loader();
            await result.InvocationConfiguration.Output.WriteLineAsync(!result.GetValue(pathJson) ? loader.ConfigFile : CliText.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("configFile", loader.ConfigFile);
                w.WriteString("stateDir", StatePaths.FromEnvironment(environment).Root);
                w.WriteBoolean("exists", File.Exists(loader.ConfigFile));
                w.WriteEndObject();
            }));
            return 0;
        }));

        var file = new Option<string?>("--file") { Description = "Validate this file instead of the configured one." };
        var validateJson = JsonOption("Print {file, exists, valid, errors: [{line, column, path, message}]} as JSON (exit 1 when invalid).");
        var validate = new Command("validate", "Check the config file; print every error with its line and column.") { file, validateJson };
        validate.SetAction(async (result, cancellationToken) =>
        {
            var explicitFile = result.GetValue(file);
            if (result.GetValue(validateJson))
            {
                return await CliErrors.RunAsync(result, () => ValidateAsJsonAsync(result, explicitFile, Loader, cancellationToken));
            }

            return await RunAsync(result, async () =>
            {
                if (explicitFile is not null && string.IsNullOrWhiteSpace(explicitFile))
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync("error: --file needs a file name.");
                    return 1;
                }

                // Built inside the handler: a bad path or environment is reported, not thrown past it.
                var loader = Loader(explicitFile);
                var exists = File.Exists(loader.ConfigFile);
                if (!exists && explicitFile is not null)
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync($"error: {loader.ConfigFile} does not exist.");
                    return 1;
                }

                await loader.LoadAsync(cancellationToken);
                await result.InvocationConfiguration.Output.WriteLineAsync(exists
                    ? $"{loader.ConfigFile}: valid"
                    : $"{loader.ConfigFile} does not exist; every default applies.");
                return 0;
            });
        });

        var getPath = new Argument<string>("path") { Description = "A key path such as gateway.port or agents.default.model." };
        var getJson = JsonOption("Print the value as JSON (a string quoted) rather than as text.");
        var get = new Command("get", "Print the effective value at a key path (defaults included; literal secrets redacted).") { getPath, getJson };
        get.SetAction(async (result, cancellationToken) => await RunAsync(result, async () =>
        {
            var key = result.GetRequiredValue(getPath);
            var keyPath = ConfigPath.Parse(key);
            var config = await Loader().LoadAsync(cancellationToken);
            JsonNode? node = JsonNode.Parse(ConfigSchema.ToJson(config));
            foreach (var segment in keyPath.Segments)
            {
                node = segment.IsIndex
                    ? node is JsonArray array && segment.Index < array.Count ? array[segment.Index] : null
                    : node is JsonObject obj && obj.TryGetPropertyValue(segment.Name!, out var child) ? child : null;
                if (node is null)
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync(
                        $"error: {key} is not set and has no default (see `openclaw config schema` for the keys).");
                    return 1;
                }
            }

            await result.InvocationConfiguration.Output.WriteLineAsync(result.GetValue(getJson) ? CliText.Json(w => node!.WriteTo(w)) : Render(node!));
            return 0;
        }));

        var setPath = new Argument<string>("path") { Description = "A key path such as gateway.port." };
        var setValue = new Argument<string>("value") { Description = "JSON5 (9000, true, [\"a\"], { a: 1 }); anything that does not parse is a string." };
        var set = new Command("set", "Set a key in the config file, keeping its comments and formatting; nothing is written unless the result is valid.") { setPath, setValue };
        set.SetAction(async (result, cancellationToken) => await RunAsync(result, async () =>
        {
            var editor = new ConfigEditor(Loader());
            var key = result.GetRequiredValue(setPath);
            var edit = await editor.SetAsync(key, result.GetRequiredValue(setValue), cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(Describe(edit, edit.Changed ? $"set {key}" : $"{key} already has that value"));
            return 0;
        }, editing: true));

        var unsetPath = new Argument<string>("path") { Description = "A key path such as gateway.port or routing[0]." };
        var unset = new Command("unset", "Remove a key from the config file (its default applies again).") { unsetPath };
        unset.SetAction(async (result, cancellationToken) => await RunAsync(result, async () =>
        {
            var editor = new ConfigEditor(Loader());
            var key = result.GetRequiredValue(unsetPath);
            var edit = await editor.UnsetAsync(key, cancellationToken);
            await result.InvocationConfiguration.Output.WriteLineAsync(Describe(edit, edit.Changed ? $"removed {key}" : $"{key} was not set"));
            return 0;
        }, editing: true));

        var schema = new Command("schema", "Print the JSON Schema of openclaw.json.");
        schema.SetAction(async (result, cancellationToken) =>
        {
            await result.InvocationConfiguration.Output.WriteLineAsync(ConfigSchema.ToJsonSchema());
            return 0;
        });

        return new Command("config", "Show, check and edit openclaw.json.") { path, validate, get, set, unset, schema, CreateShow(environment, new RpcClientOptions()) };
    }

    // `config show`: what the running gateway has in force (config.get over RPC), else the file as the gateway would
    // load it; either way every secret-bearing field is masked exactly as config.get masks it (ConfigMethods.Masked).
    private static Command CreateShow(Func<string, string?> environment, RpcClientOptions rpcOptions)
    {
        var connection = new GatewayConnectionOptions();
        var json = new Option<bool>("--json") { Description = "Print only the JSON (no line saying where it came from)." };
        var show = new Command("show", "Print the whole effective config, secrets masked: the running gateway's, else the file's with every default filled in.") { json };
        connection.AddTo(show);
        show.SetAction(async (result, cancellationToken) => await RunAsync(result, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            var env = GatewayCommands.WithOverrides(environment, result.GetValue(connection.StateDir), result.GetValue(connection.ConfigFile));
            string source;
            JsonNode config;
            try
            {
                GatewayTarget target;
                try
                {
                    target = await connection.ResolveAsync(result, environment, cancellationToken);
                }
                catch (OpenClawException ex) when (ex.InnerException is ConfigException broken)
                {
                    throw broken; // listed with line and column, like `config validate`
                }

                using var answer = await RpcCall.CallAsync(target, "config.get", null, rpcOptions, result.InvocationConfiguration.Error, cancellationToken);
                if (answer is null)
                {
                    return 1;
                }

                config = JsonNode.Parse(answer.RootElement.GetProperty("value").GetRawText())!;
                source = $"the running gateway at {target.Display}";
            }
            catch (GatewayNotRunningException) when (result.GetValue(connection.Url) is null)
            {
                // No gateway at the configured address (an explicit --url that does not answer is an error, exit 3).
                var loader = new ConfigLoader(StatePaths.FromEnvironment(env), env);
                config = ConfigMethods.Masked(await loader.LoadAsync(cancellationToken));
                source = File.Exists(loader.ConfigFile) ? $"{loader.ConfigFile} (no gateway running)" : $"the defaults ({loader.ConfigFile} does not exist; no gateway running)";
            }

            if (!result.GetValue(json))
            {
                await output.WriteLineAsync($"// effective config from {source}; secrets shown as \"{ConfigMethods.Mask}\"");
            }

            await output.WriteLineAsync(Render(config));
            return 0;
        }));
        return show;
    }

    private static Task<int> RunAsync(ParseResult result, Func<Task<int>> action, bool editing = false) =>
        CliErrors.RunAsync(result, async () =>
        {
            try
            {
                return await action();
            }
            catch (ConfigException ex) when (ex.Errors.Count > 0)
            {
                // A config's errors are listed one per line, each with file:line:column, so editors can jump to them.
                var error = result.InvocationConfiguration.Error;
                var count = ex.Errors.Count == 1 ? "1 error" : $"{ex.Errors.Count} errors";
                await error.WriteLineAsync(editing
                    ? $"error: nothing written; with this edit {ex.File} would have {count}:"
                    : $"error: {ex.File} has {count}:");
                foreach (var e in ex.Errors)
                {
                    await error.WriteLineAsync($"{ex.File}:{e}");
                }

                return 1;
            }
        });

    private static string Describe(ConfigEditResult edit, string what) =>
        edit.BackupFile is null ? $"{what} in {edit.File}" : $"{what} in {edit.File} (previous version kept in {edit.BackupFile})";

    // Strings print bare (handy in scripts); everything else as indented JSON.
    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    private static async Task<int> ValidateAsJsonAsync(ParseResult result, string? explicitFile, Func<string?, ConfigLoader> loaderFor, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        if (explicitFile is not null && string.IsNullOrWhiteSpace(explicitFile))
        {
            await result.InvocationConfiguration.Error.WriteLineAsync("error: --file needs a file name.");
            return CliExit.Failure;
        }

        var loader = loaderFor(explicitFile);
        var exists = File.Exists(loader.ConfigFile);
        IReadOnlyList<ConfigError> errors = [];
        if (exists || explicitFile is not null)
        {
            try
            {
                if (!exists)
                {
                    errors = [new ConfigError("", 1, 1, "the file does not exist")];
                }
                else
                {
                    await loader.LoadAsync(cancellationToken);
                }
            }
            catch (ConfigException ex) when (ex.Errors.Count > 0)
            {
                errors = ex.Errors;
            }
        }

        await output.WriteLineAsync(CliText.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("file", loader.ConfigFile);
            w.WriteBoolean("exists", exists);
            w.WriteBoolean("valid", errors.Count == 0);
            w.WriteStartArray("errors");
            foreach (var e in errors)
            {
                w.WriteStartObject();
                w.WriteNumber("line", e.Line);
                w.WriteNumber("column", e.Column);
                w.WriteString("path", e.Path);
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));
        return errors.Count == 0 ? CliExit.Success : CliExit.Failure;
    }

    private static string Render(JsonNode node)
    {
        if (node.GetValueKind() == JsonValueKind.String)
        {
            return node.GetValue<string>();
        }

        return CliText.Json(w => node.WriteTo(w));
    }
}
