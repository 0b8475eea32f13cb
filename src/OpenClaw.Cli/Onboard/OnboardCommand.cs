using System.CommandLine;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;

namespace OpenClaw.Cli.Onboard;

/// <summary>
/// <c>openclaw onboard</c>: first-time setup on a stopped gateway. Asks at a terminal, or takes flags with
/// <c>--non-interactive</c>; keys are typed without echo or read from named environment variables, never from argv.
/// </summary>
internal static class OnboardCommand
{
    /// <summary>Builds the command; <paramref name="getEnvironmentVariable"/> and <paramref name="input"/> replace the process's (tests).</summary>
    /// <remarks>With <paramref name="input"/>, the wizard reads answers and secrets from it as lines (no terminal).</remarks>
    public static Command Create(Func<string, string?>? getEnvironmentVariable = null, TextReader? input = null)
    {
        var environment = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var nonInteractive = new Option<bool>("--non-interactive") { Description = "Ask nothing: take every answer from the flags (for scripts)." };
        var provider = new Option<string?>("--provider") { Description = "The model provider: anthropic, openai or openai-compatible." };
        var name = new Option<string?>("--provider-name") { Description = "The provider's name in the config (default: anthropic, openai, or local for openai-compatible)." };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "The environment variable holding the provider's API key (stored in the credential store)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "The provider's base URL (required for openai-compatible)." };
        var model = new Option<string?>("--model") { Description = "The default agent's model, <provider>/<model> or just <model>." };
        var workspace = new Option<string?>("--workspace") { Description = "The default agent's workspace directory (default <state dir>/workspace)." };
        var telegramEnv = new Option<string?>("--telegram-token-env") { Description = "Enable Telegram with the bot token in this environment variable." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation before writing." };
        var force = new Option<bool>("--force") { Description = "Replace settings and stored keys that already exist (by default they are kept)." };
        var command = new Command("onboard", "Set up OpenClaw: a provider and its key, the default agent, the workspace, Telegram, the gateway token.")
        {
            nonInteractive, provider, name, apiKeyEnv, baseUrl, model, workspace, telegramEnv, yes, force,
        };

        command.SetAction(async (result, cancellationToken) => await CliErrors.RunAsync(result, async () =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            OnboardPlan? plan;
            Onboarding? state = null;
            try
            {
                if (result.GetValue(nonInteractive))
                {
                    var flags = new Flags(result.GetValue(provider), result.GetValue(name), result.GetValue(apiKeyEnv), result.GetValue(baseUrl),
                        result.GetValue(model), result.GetValue(workspace), result.GetValue(telegramEnv), result.GetValue(force));
                    if (flags.UsageProblem() is { } usage)
                    {
                        await error.WriteLineAsync("error: " + usage);
                        return CliExit.Usage;
                    }

                    state = await Onboarding.OpenAsync(environment, output, cancellationToken);
                    var built = await flags.ToPlanAsync(state, environment, cancellationToken);
                    if (built.Usage is not null)
                    {
                        await error.WriteLineAsync("error: " + built.Usage);
                        return CliExit.Usage;
                    }

                    plan = built.Plan!;
                }
                else
                {
                    if (input is null && Console.IsInputRedirected)
                    {
                        await error.WriteLineAsync("error: standard input is not a terminal; run `openclaw onboard --non-interactive --provider … --api-key-env VAR` (see --help).");
                        return CliExit.Usage;
                    }

                    state = await Onboarding.OpenAsync(environment, output, cancellationToken);
                    var wizard = input is null
                        ? new OnboardWizard(Console.In, output, async (question, ct) =>
                        {
                            await output.WriteAsync(question);
                            await output.FlushAsync(ct);
                            var value = Credentials.CredentialCommands.ReadWithoutEcho();
                            await output.WriteLineAsync();
                            return value;
                        })
                        : new OnboardWizard(input, output, async (question, ct) =>
                        {
                            await output.WriteAsync(question);
                            var value = await input.ReadLineAsync(ct);
                            await output.WriteLineAsync();
                            return value ?? "";
                        });
                    plan = await wizard.RunAsync(state, result.GetValue(force), result.GetValue(yes), cancellationToken);
                    if (plan is null)
                    {
                        await output.WriteLineAsync("Nothing was written.");
                        return CliExit.Success;
                    }
                }

                await state.ApplyAsync(plan, cancellationToken);
            }
            catch (ConfigException ex) when (ex.Errors.Count > 0)
            {
                await error.WriteLineAsync($"error: {ex.File} has {ex.Errors.Count} error(s); fix them first (`openclaw config validate` lists them):");
                foreach (var e in ex.Errors)
                {
                    await error.WriteLineAsync($"{ex.File}:{e}");
                }

                return CliExit.Failure;
            }
            finally
            {
                state?.Dispose();
            }

            await output.WriteLineAsync();
            await output.WriteLineAsync("Done. Next:");
            await output.WriteLineAsync("  openclaw doctor --probe      check the setup (and that the keys are accepted)");
            await output.WriteLineAsync("  openclaw gateway run         start the gateway in the foreground");
            await output.WriteLineAsync("  openclaw daemon install      or run it as a background service");
            await output.WriteLineAsync("  openclaw status              then: is it up, are the keys there");
            await output.WriteLineAsync("  openclaw dashboard           the web dashboard's address; sign in with `openclaw gateway token`");
            return CliExit.Success;
        }));
        return command;
    }

    private sealed record Flags(string? Provider, string? Name, string? ApiKeyEnv, string? BaseUrl, string? Model, string? Workspace, string? TelegramEnv, bool Force)
    {
        // What can be told from the flags alone (nothing opened yet).
        public string? UsageProblem()
        {
            if (string.IsNullOrWhiteSpace(Provider))
            {
                return "--provider is required with --non-interactive (anthropic, openai or openai-compatible).";
            }

            if (OnboardProvider.ParseType(Provider) is not { } type)
            {
                return $"--provider must be anthropic, openai or openai-compatible, not '{Provider}'.";
            }

            if (type == ProviderType.OpenAICompatible)
            {
                if (string.IsNullOrWhiteSpace(BaseUrl))
                {
                    return "--base-url is required for --provider openai-compatible.";
                }

                if (string.IsNullOrWhiteSpace(Model))
                {
                    return "--model is required for --provider openai-compatible.";
                }
            }

            if (BaseUrl is not null && !(Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                return "--base-url must be an http:// or https:// URL.";
            }

            return null;
        }

        public async Task<(OnboardPlan? Plan, string? Usage)> ToPlanAsync(Onboarding state, Func<string, string?> environment, CancellationToken cancellationToken)
        {
            var type = OnboardProvider.ParseType(Provider!)!.Value;
            var name = string.IsNullOrWhiteSpace(Name) ? type == ProviderType.OpenAICompatible ? "local" : OnboardProvider.TypeNameOf(type) : Name.Trim();
            var key = ApiKeyEnv is null ? null : new Secret(FromEnvironment(environment, ApiKeyEnv));
            if (key is null && type != ProviderType.OpenAICompatible && !await state.HasCredentialAsync(name, cancellationToken))
            {
                return (null, $"--api-key-env is required: no key for '{name}' is stored yet.");
            }

            var telegramToken = TelegramEnv is null ? null : new Secret(FromEnvironment(environment, TelegramEnv));
            var model = Model ?? (await state.IsSetAsync("agents.default.model", cancellationToken) ? null : $"{name}/{OnboardProvider.DefaultModel(type)}");
            if (model is not null && !model.Contains('/', StringComparison.Ordinal))
            {
                model = name + "/" + model;
            }

            return (new OnboardPlan
            {
                Providers = [new OnboardProvider(name, type, BaseUrl, key)],
                Model = model,
                Workspace = Workspace,
                Telegram = TelegramEnv is not null,
                TelegramToken = telegramToken,
                Force = Force,
            }, null);
        }

        private static string FromEnvironment(Func<string, string?> environment, string variable)
        {
            var value = environment(variable)?.Trim();
            return string.IsNullOrEmpty(value)
                ? throw new OpenClawException($"the environment variable {variable} is not set or is empty.")
                : value;
        }
    }
}
