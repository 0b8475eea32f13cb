using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Config.Json5;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Auth;

namespace OpenClaw.Cli.Onboard;

/// <summary>
/// Applies an <see cref="OnboardPlan"/> to a stopped gateway's state directory: keys into the credential store, settings
/// into the config file through <see cref="ConfigEditor"/> (comments kept, every edit validated before it is written),
/// the workspace directory and the gateway token. What is already set is kept unless the plan says to replace it.
/// </summary>
internal sealed class Onboarding : IDisposable
{
    private readonly ConfigLoader _loader;
    private readonly CredentialStore _store;
    private readonly Func<string, string?> _environment;
    private readonly TextWriter _output;

    private Onboarding(ConfigLoader loader, CredentialStore store, Func<string, string?> environment, TextWriter output)
    {
        _loader = loader;
        _store = store;
        _environment = environment;
        _output = output;
    }

    /// <summary>The state layout.</summary>
    public StatePaths Paths => _loader.Paths;

    /// <summary>The credential store (open and locked by this process).</summary>
    public CredentialStore Store => _store;

    /// <summary>
    /// Opens the state directory for onboarding: the config must be valid (or absent) and no gateway may own the
    /// credential store.
    /// </summary>
    /// <exception cref="OpenClawException">A gateway runs, the store does not open, or the config is broken.</exception>
    public static async Task<Onboarding> OpenAsync(Func<string, string?> environment, TextWriter output, CancellationToken cancellationToken)
    {
        var loader = ConfigLoader.FromEnvironment(environment);
        await loader.LoadAsync(cancellationToken); // a broken file is reported (with its errors) before anything is asked
        var store = new CredentialStore(loader.Paths, CredentialStoreOptions.FromEnvironment(environment));
        try
        {
            await store.OpenAsync(cancellationToken);
        }
        catch (OpenClawException ex) when (ex.InnerException is IOException)
        {
            store.Dispose();
            throw new OpenClawException(
                $"a running gateway owns the state directory {loader.Paths.Root}; stop it (`openclaw gateway stop`), run `openclaw onboard` again, then start it.");
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return new Onboarding(loader, store, environment, output);
    }

    /// <summary>Whether the config file sets <paramref name="path"/> itself (defaults do not count).</summary>
    public async Task<bool> IsSetAsync(string path, CancellationToken cancellationToken) =>
        Find(await ReadRootAsync(cancellationToken), path) is not null;

    /// <summary>The string the config file holds at <paramref name="path"/>, or <see langword="null"/>.</summary>
    public async Task<string?> GetStringAsync(string path, CancellationToken cancellationToken) =>
        (Find(await ReadRootAsync(cancellationToken), path) as Json5String)?.Value;

    /// <summary>"true" or "false" when the config file holds a boolean at <paramref name="path"/>, else <see langword="null"/>.</summary>
    public async Task<string?> GetBooleanTextAsync(string path, CancellationToken cancellationToken) =>
        Find(await ReadRootAsync(cancellationToken), path) is Json5Boolean b ? (b.Value ? "true" : "false") : null;

    /// <summary>Whether a credential called <paramref name="name"/> is stored.</summary>
    public async Task<bool> HasCredentialAsync(string name, CancellationToken cancellationToken) =>
        (await _store.ListAsync(cancellationToken)).Contains(name, StringComparer.Ordinal);

    /// <summary>Writes the plan; each step says on <see cref="_output"/> what it did or kept (never a secret).</summary>
    /// <exception cref="ConfigException">An edit would make the config invalid (nothing of that edit is written).</exception>
    public async Task ApplyAsync(OnboardPlan plan, CancellationToken cancellationToken)
    {
        var editor = new ConfigEditor(_loader);
        foreach (var provider in plan.Providers)
        {
            await StoreCredentialAsync(provider.Name, provider.ApiKey, plan.Force || provider.ReplaceKey, $"the {provider.Name} API key", cancellationToken);
            var key = ConfigPath.Append("providers", provider.Name);
            if (!plan.Force && !provider.ReplaceEntry && await IsSetAsync(key, cancellationToken))
            {
                await _output.WriteLineAsync($"kept {key} (already in the config; --force replaces it)");
                continue;
            }

            // The whole entry at once: an openai-compatible provider is only valid with its base URL.
            var members = new List<string> { $"type: {Json5Writer.FormatString(provider.TypeName)}" };
            if (provider.BaseUrl is not null)
            {
                members.Add($"baseUrl: {Json5Writer.FormatString(provider.BaseUrl)}");
            }

            if (provider.ApiKey is not null || await HasCredentialAsync(provider.Name, cancellationToken))
            {
                members.Add($"apiKey: {Json5Writer.FormatString("cred:" + provider.Name)}");
            }

            await editor.SetAsync(key, "{ " + string.Join(", ", members) + " }", cancellationToken);
            await _output.WriteLineAsync($"set {key}");
        }

        if (plan.Model is not null)
        {
            await SetKeptAsync(editor, "agents.default.model", plan.Model, plan.Force || plan.ReplaceModel, cancellationToken);
        }

        var workspace = plan.Workspace is null ? Paths.WorkspaceDirectory : Path.GetFullPath(plan.Workspace);
        if (plan.Workspace is not null && !string.Equals(workspace, Paths.WorkspaceDirectory, StringComparison.Ordinal))
        {
            await SetKeptAsync(editor, "agents.default.workspace", workspace, plan.Force || plan.ReplaceWorkspace, cancellationToken);
        }

        var effective = (await _loader.LoadAsync(cancellationToken)).Agents[OpenClaw.Core.Config.AgentOptions.DefaultId].Workspace;
        if (!Directory.Exists(effective))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(effective);
            }
            else
            {
                Directory.CreateDirectory(effective, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            await _output.WriteLineAsync($"created the workspace {effective}");
        }

        if (plan.Telegram)
        {
            await StoreCredentialAsync("telegram", plan.TelegramToken, plan.Force || plan.ReplaceTelegramToken, "the Telegram bot token", cancellationToken);
            await SetKeptAsync(editor, "channels.telegram.enabled", "true", force: true, cancellationToken);
            await SetKeptAsync(editor, "channels.telegram.dmPolicy", "pairing", plan.Force, cancellationToken);
        }

        await EnsureGatewayTokenAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private async Task StoreCredentialAsync(string name, Secret? value, bool replace, string what, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return;
        }

        var existing = await _store.GetAsync(name, cancellationToken);
        if (existing is not null && !replace)
        {
            await _output.WriteLineAsync(existing.Equals(value)
                ? $"credential '{name}' is already stored"
                : $"kept the stored credential '{name}' ({what} given differs; --force replaces it)");
            return;
        }

        await _store.SetAsync(name, value, cancellationToken);
        await _output.WriteLineAsync(existing is null ? $"stored {what} as credential '{name}'" : $"replaced credential '{name}'");
    }

    private async Task SetKeptAsync(ConfigEditor editor, string key, string value, bool force, CancellationToken cancellationToken)
    {
        var current = Find(await ReadRootAsync(cancellationToken), key);
        if (current is not null && !force)
        {
            var shown = current is Json5String s ? s.Value : null;
            await _output.WriteLineAsync(shown is null || shown == value
                ? $"kept {key}" + (shown is null ? "" : $" = {shown}")
                : $"kept {key} = {shown} (--force replaces it)");
            return;
        }

        // Strings are quoted here: a path or model name must never be read as a number or keyword.
        var edit = await editor.SetAsync(key, value is "true" or "false" ? value : Json5Writer.FormatString(value), cancellationToken);
        await _output.WriteLineAsync(edit.Changed ? $"set {key} = {value}" : $"kept {key} = {value}");
    }

    private async Task EnsureGatewayTokenAsync(CancellationToken cancellationToken)
    {
        using var token = new GatewayToken(_store, _environment);
        var source = await token.EnsureAsync(cancellationToken);
        await _output.WriteLineAsync(source switch
        {
            GatewayTokenSource.Environment => $"the gateway token comes from {GatewayToken.EnvironmentVariable}",
            GatewayTokenSource.Created => "created the gateway token (print it with `openclaw gateway token`)",
            _ => "kept the gateway token (print it with `openclaw gateway token`)",
        });
    }

    private async Task<Json5Node?> ReadRootAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_loader.ConfigFile))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(_loader.ConfigFile, cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return Json5Reader.Parse(text);
        }
        catch (Json5Exception)
        {
            return null; // only comments: nothing is set
        }
    }

    private static Json5Node? Find(Json5Node? root, string path)
    {
        var node = root;
        foreach (var segment in ConfigPath.Parse(path).Segments)
        {
            if (segment.IsIndex || node is not Json5Object obj || obj.Find(segment.Name!) is not { } property)
            {
                return null;
            }

            node = property.Value;
        }

        return node;
    }
}
