using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Cli.Onboard;

/// <summary>
/// The interactive questions of <c>openclaw onboard</c>: providers and their keys (read by <paramref name="readSecret"/>,
/// never echoed), the default agent's model, the workspace and Telegram. Current settings are offered as the answers.
/// </summary>
/// <param name="input">Where visible answers are read (one line each).</param>
/// <param name="output">Where questions are written.</param>
/// <param name="readSecret">Asks a question and reads a secret without echoing it.</param>
internal sealed class OnboardWizard(TextReader input, TextWriter output, Func<string, CancellationToken, Task<string>> readSecret)
{
    /// <summary>Asks every question; <see langword="null"/> when the person declines to write the result.</summary>
    public async Task<OnboardPlan?> RunAsync(Onboarding state, bool force, bool yes, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"OpenClaw setup: state directory {state.Paths.Root}, config {state.Paths.ConfigFile}.");
        await output.WriteLineAsync("Press Enter to take the answer in [brackets].");

        var providers = new List<OnboardProvider>();
        do
        {
            providers.Add(await AskProviderAsync(state, force, providers, cancellationToken));
        }
        while (await AskYesNoAsync("Add another provider?", false, cancellationToken));

        var currentModel = await state.GetStringAsync("agents.default.model", cancellationToken);
        var first = providers[0];
        var suggested = currentModel ?? (OnboardProvider.DefaultModel(first.Type) is { } m ? $"{first.Name}/{m}" : null);
        string model;
        while (true)
        {
            model = await AskAsync("Model for the default agent (<provider>/<model>)", suggested, cancellationToken);
            if (model.Length > 0)
            {
                break;
            }

            await output.WriteLineAsync("  a model is needed, e.g. " + first.Name + "/llama3.1");
        }

        if (!model.Contains('/', StringComparison.Ordinal))
        {
            model = first.Name + "/" + model;
        }

        var currentWorkspace = await state.GetStringAsync("agents.default.workspace", cancellationToken);
        var workspace = await AskAsync("Workspace directory (the agent's files)", currentWorkspace ?? state.Paths.WorkspaceDirectory, cancellationToken);

        var telegram = false;
        Secret? telegramToken = null;
        var replaceTelegram = false;
        var hasTelegramToken = await state.HasCredentialAsync("telegram", cancellationToken);
        var telegramOn = string.Equals(await ReadRawAsync(state, "channels.telegram.enabled", cancellationToken), "true", StringComparison.Ordinal);
        if (await AskYesNoAsync("Set up Telegram?", telegramOn, cancellationToken))
        {
            telegram = true;
            if (hasTelegramToken && !force)
            {
                replaceTelegram = await AskYesNoAsync("A Telegram bot token is stored. Replace it?", false, cancellationToken);
            }

            if (!hasTelegramToken || force || replaceTelegram)
            {
                var token = await readSecret("Telegram bot token from @BotFather (not echoed): ", cancellationToken);
                telegramToken = token.Length == 0 ? null : new Secret(token);
                if (telegramToken is null)
                {
                    await output.WriteLineAsync("  no token given; set it later with `openclaw credentials set telegram`.");
                }
            }
        }

        var plan = new OnboardPlan
        {
            Providers = providers,
            Model = model,
            ReplaceModel = currentModel is not null && !string.Equals(currentModel, model, StringComparison.Ordinal),
            Workspace = workspace,
            ReplaceWorkspace = currentWorkspace is not null && !string.Equals(currentWorkspace, workspace, StringComparison.Ordinal),
            Telegram = telegram,
            TelegramToken = telegramToken,
            ReplaceTelegramToken = replaceTelegram,
            Force = force,
        };

        if (!yes && !await AskYesNoAsync($"Write these settings to {state.Paths.ConfigFile}?", true, cancellationToken))
        {
            return null;
        }

        return plan;
    }

    private async Task<OnboardProvider> AskProviderAsync(Onboarding state, bool force, List<OnboardProvider> chosen, CancellationToken cancellationToken)
    {
        ProviderType type;
        while (true)
        {
            var answer = await AskAsync("Model provider: anthropic, openai or openai-compatible", chosen.Count == 0 ? "anthropic" : null, cancellationToken);
            if (OnboardProvider.ParseType(answer) is { } parsed)
            {
                type = parsed;
                break;
            }

            await output.WriteLineAsync("  please answer anthropic, openai or openai-compatible.");
        }

        var name = OnboardProvider.TypeNameOf(type);
        string? baseUrl = null;
        if (type == ProviderType.OpenAICompatible)
        {
            name = await AskAsync("A name for this provider (used in models as <name>/<model>)", "local", cancellationToken);
            while (true)
            {
                var current = await state.GetStringAsync($"providers.{name}.baseUrl", cancellationToken);
                baseUrl = await AskAsync("Its base URL (e.g. http://127.0.0.1:11434/v1)", current, cancellationToken);
                if (Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    break;
                }

                await output.WriteLineAsync("  an http:// or https:// URL is needed.");
            }
        }

        var replaceEntry = false;
        if (!force && await state.IsSetAsync(ConfigPath.Append("providers", name), cancellationToken))
        {
            replaceEntry = await AskYesNoAsync($"providers.{name} is already in the config. Replace it?", false, cancellationToken);
        }

        Secret? key = null;
        var replaceKey = false;
        var stored = await state.HasCredentialAsync(name, cancellationToken);
        if (stored && !force)
        {
            replaceKey = await AskYesNoAsync($"A key for '{name}' is stored. Replace it?", false, cancellationToken);
        }

        if (!stored || force || replaceKey)
        {
            var optional = type == ProviderType.OpenAICompatible ? "; empty for none" : "";
            var value = await readSecret($"API key for {name} (not echoed{optional}): ", cancellationToken);
            if (value.Length > 0)
            {
                key = new Secret(value);
            }
            else if (type != ProviderType.OpenAICompatible)
            {
                await output.WriteLineAsync($"  no key given; set it later with `openclaw credentials set {name}`.");
            }
        }

        return new OnboardProvider(name, type, baseUrl, key, replaceKey, replaceEntry);
    }

    private async Task<string> AskAsync(string question, string? suggested, CancellationToken cancellationToken)
    {
        await output.WriteAsync(suggested is null ? $"{question}: " : $"{question} [{suggested}]: ");
        await output.FlushAsync(cancellationToken);
        var line = await input.ReadLineAsync(cancellationToken) ?? throw new OpenClawException("onboarding stopped: the input ended before every question was answered.");
        line = line.Trim();
        return line.Length == 0 ? suggested ?? "" : line;
    }

    private async Task<bool> AskYesNoAsync(string question, bool suggested, CancellationToken cancellationToken)
    {
        while (true)
        {
            var answer = await AskAsync(question + (suggested ? " [Y/n]" : " [y/N]"), null, cancellationToken);
            switch (answer.ToLowerInvariant())
            {
                case "":
                    return suggested;
                case "y" or "yes":
                    return true;
                case "n" or "no":
                    return false;
                default:
                    await output.WriteLineAsync("  please answer y or n.");
                    break;
            }
        }
    }

    private static async Task<string?> ReadRawAsync(Onboarding state, string path, CancellationToken cancellationToken) =>
        await state.IsSetAsync(path, cancellationToken) ? await state.GetBooleanTextAsync(path, cancellationToken) : null;
}
