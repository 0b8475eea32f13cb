using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core;
using OpenClaw.Core.Config;
using OpenClaw.Core.OAuth;
using OpenClaw.Providers.Anthropic;
using OpenClaw.Providers.OpenAI;
using OpenClaw.Providers.Resilience;

namespace OpenClaw.Providers.Registry;

/// <summary>
/// The configured providers as <see cref="IChatClient"/>s: one client per provider (its own HTTP connection pool,
/// timeouts, retries and circuit breaker), and per agent a client that tries the agent's model, then its fallbacks.
/// </summary>
/// <remarks>
/// Follows the config in force: a provider whose settings changed in a live reload gets a new client on its next use
/// (requests already running finish on the old one); one that did not change keeps its connections and circuit.
/// Keys are looked up per request (<see cref="ProviderCredential"/>). Thread-safe.
/// </remarks>
public sealed class ProviderRegistry : IDisposable
{
    private readonly Func<OpenClawConfig> _config;
    private readonly SecretResolver _resolver;
    private readonly OAuthTokenManager? _oauth;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _failoverLogger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ProviderSlot> _slots = new(StringComparer.Ordinal);
    private readonly List<(ProviderSlot Slot, DateTimeOffset RetiredAt)> _retired = [];
    private bool _disposed;

    /// <summary>Creates a registry over the config in force (read on every use).</summary>
    public ProviderRegistry(
        Func<OpenClawConfig> config, SecretResolver resolver, OAuthTokenManager? oauth, TimeProvider time, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(time);
        _config = config;
        _resolver = resolver;
        _oauth = oauth;
        _time = time;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _failoverLogger = _loggers.CreateLogger("OpenClaw.Providers.Failover");
    }

    /// <summary>The configured provider names, in order.</summary>
    public IReadOnlyList<string> Names => [.. _config().Providers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// A client for a model chain (<c>"&lt;provider&gt;/&lt;model&gt;"</c>, primary first): each request goes to the first
    /// model whose provider is not failing, and on to the next when one fails before anything has streamed.
    /// </summary>
    public IChatClient ForModels(IReadOnlyList<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one model is needed.", nameof(models));
        }

        return new ModelChainChatClient(this, () => models);
    }

    /// <summary>The client of an agent: its <c>model</c>, then its <c>fallbacks</c>, as configured when each request starts.</summary>
    /// <exception cref="OpenClawException">No agent of that id is configured (thrown per request, when it is used).</exception>
    public IChatClient ForAgent(string agentId) => new ModelChainChatClient(this, () =>
    {
        if (!_config().Agents.TryGetValue(agentId, out var agent))
        {
            throw new OpenClawException($"Agent '{agentId}' is not configured.");
        }

        return [agent.Model, .. agent.Fallbacks];
    });

    /// <summary>The models each provider offers (<paramref name="provider"/> alone when given), from its model listing.</summary>
    /// <remarks>With no provider named, providers that lack a key or fail to answer are left out (and logged); naming one reports its error.</remarks>
    /// <exception cref="ProviderException">The named provider's listing failed.</exception>
    public async Task<IReadOnlyList<ModelListing>> ListModelsAsync(string? provider, CancellationToken cancellationToken)
    {
        if (provider is not null)
        {
            return Listing(provider, await Catalog(provider).ListModelsAsync(cancellationToken).ConfigureAwait(false));
        }

        var config = _config();
        var names = config.Providers.Keys.Order(StringComparer.Ordinal).ToArray();
        var tasks = new Task<IReadOnlyList<string>>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            var check = await new ProviderCredential(config.Providers[name], _resolver, _oauth).CheckAsync(cancellationToken).ConfigureAwait(false);
            tasks[i] = check.Required && !check.Present
                ? Task.FromResult<IReadOnlyList<string>>([])
                : Catalog(name).ListModelsAsync(cancellationToken);
        }

        var all = new List<ModelListing>();
        for (var i = 0; i < names.Length; i++)
        {
            try
            {
                all.AddRange(Listing(names[i], await tasks[i].ConfigureAwait(false)));
            }
            catch (ProviderException ex)
            {
                ProviderLog.ListingFailed(_failoverLogger, names[i], ex.Failure, ex.Status);
            }
        }

        return all;
    }

    /// <summary>Each configured provider with whether its key is present, for <c>system.status</c> and <c>doctor</c>.</summary>
    public async Task<IReadOnlyList<ProviderStatus>> GetStatusAsync(CancellationToken cancellationToken)
    {
        var config = _config();
        var result = new List<ProviderStatus>(config.Providers.Count);
        foreach (var name in config.Providers.Keys.Order(StringComparer.Ordinal))
        {
            var options = config.Providers[name];

            // Checking a key needs no HTTP stack: a provider nobody has used yet is not built just to report on it.
            var slot = Existing(name, options);
            var credential = slot?.Credential ?? new ProviderCredential(options, _resolver, _oauth);
            var check = await credential.CheckAsync(cancellationToken).ConfigureAwait(false);
            result.Add(new ProviderStatus(
                name,
                TypeName(options.Type),
                options.BaseUrl ?? "",
                options.OAuth is not null ? "oauth" : check.Required || check.Present ? "apiKey" : "none",
                check.Present,
                check.Problem,
                slot?.Circuit.IsOpen ?? false));
        }

        return result;
    }

    /// <summary>The config's name for a provider type.</summary>
    public static string TypeName(ProviderType type) => type switch
    {
        ProviderType.Anthropic => "anthropic",
        ProviderType.OpenAI => "openai",
        _ => "openai-compatible",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var slot in _slots.Values.Concat(_retired.Select(r => r.Slot)))
            {
                slot.Dispose();
            }

            _slots.Clear();
            _retired.Clear();
        }
    }

    /// <summary>The failover chain for <paramref name="models"/> as configured now.</summary>
    internal FailoverChatClient Chain(IReadOnlyList<string> models)
    {
        var targets = new FailoverTarget[models.Count];
        for (var i = 0; i < models.Count; i++)
        {
            var reference = ModelReference.Parse(models[i]);
            var slot = Slot(reference.Provider);
            targets[i] = new FailoverTarget(reference.Provider, reference.Model, slot.Client, slot.Circuit);
        }

        return new FailoverChatClient(targets, _failoverLogger);
    }

    private IModelCatalog Catalog(string name) => (IModelCatalog)Slot(name).Raw;

    private static List<ModelListing> Listing(string provider, IReadOnlyList<string> ids)
    {
        var list = new List<ModelListing>(ids.Count);
        foreach (var id in ids)
        {
            list.Add(new ModelListing(provider, id));
        }

        return list;
    }

    /// <summary>How long a provider stack replaced by a config edit stays open for the requests still using it.</summary>
    /// <remarks>Longer than the largest turn timeout an agent is likely to have (the default is 10 minutes).</remarks>
    internal static readonly TimeSpan RetiredGrace = TimeSpan.FromMinutes(30);

    /// <summary>How many replaced stacks are waiting to be closed (for tests).</summary>
    internal int RetiredCount
    {
        get
        {
            lock (_lock)
            {
                return _retired.Count;
            }
        }
    }

    // Under _lock. Closes the replaced stacks whose grace period is over, so repeated config edits do not pile up
    // connection pools.
    private void CloseRetired(DateTimeOffset now)
    {
        for (var i = _retired.Count - 1; i >= 0; i--)
        {
            if (now - _retired[i].RetiredAt >= RetiredGrace)
            {
                _retired[i].Slot.Dispose();
                _retired.RemoveAt(i);
            }
        }
    }

    private ProviderSlot? Existing(string name, ProviderOptions options)
    {
        lock (_lock)
        {
            return _slots.TryGetValue(name, out var slot) && Same(slot.Options, options) ? slot : null;
        }
    }

    private ProviderSlot Slot(string name)
    {
        var config = _config();
        if (!config.Providers.TryGetValue(name, out var options))
        {
            var known = string.Join(", ", config.Providers.Keys.Order(StringComparer.Ordinal));
            throw new OpenClawException($"Provider '{name}' is not configured (configured: {known}); add it under providers in openclaw.json.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_slots.TryGetValue(name, out var slot) && Same(slot.Options, options))
            {
                return slot;
            }

            var now = _time.GetUtcNow();
            if (slot is not null)
            {
                // Requests may still be streaming through it: it is closed once they have surely finished.
                _retired.Add((slot, now));
            }

            CloseRetired(now);

            slot = Create(options);
            _slots[name] = slot;
            return slot;
        }
    }

    private ProviderSlot Create(ProviderOptions options)
    {
        var logger = _loggers.CreateLogger("OpenClaw.Providers." + options.Name);
        var credential = new ProviderCredential(options, _resolver, _oauth);
        var http = ProviderHttp.CreateClient(options.Name, ProviderTimeouts.From(options.Timeouts), _time);
        var endpoint = new ProviderEndpoint
        {
            Name = options.Name,
            BaseUrl = new Uri(options.BaseUrl ?? ProviderOptions.DefaultBaseUrl(options.Type)!, UriKind.Absolute),
            Http = http,
            Credential = credential,
            Time = _time,
            Logger = logger,
        };
        IChatClient raw = options.Type switch
        {
            ProviderType.Anthropic => new AnthropicChatClient(endpoint),
            ProviderType.OpenAI => new OpenAIProviderClient(endpoint, compatible: false),
            _ => new OpenAIProviderClient(endpoint, compatible: true),
        };
        var circuit = new ProviderCircuit(options.Name, _time);
        var client = new ResilientChatClient(raw, options.Name, options.MaxRetries, circuit, _time, logger, ProviderTimeouts.From(options.Timeouts).FirstByte);
        return new ProviderSlot(options, credential, http, raw, client, circuit);
    }

    // Whether a reloaded provider entry would build the same client (records compare the nested options by value; the
    // key reference by what it names).
    private static bool Same(ProviderOptions a, ProviderOptions b) =>
        a.Type == b.Type && a.BaseUrl == b.BaseUrl && a.MaxRetries == b.MaxRetries && a.Timeouts == b.Timeouts &&
        a.OAuth == b.OAuth && a.ApiKey.RefersToSameAs(b.ApiKey);

    private sealed record ProviderSlot(
        ProviderOptions Options, ProviderCredential Credential, HttpClient Http, IChatClient Raw, IChatClient Client, ProviderCircuit Circuit)
    {
        public void Dispose()
        {
            Client.Dispose();
            Raw.Dispose();
            Http.Dispose();
        }
    }
}

/// <summary>One model a provider offers (<c>models.list</c>).</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Id">The model id, as used after the slash in <c>"&lt;provider&gt;/&lt;model&gt;"</c>.</param>
public sealed record ModelListing(string Provider, string Id);

/// <summary>A configured provider and whether it can be used (<c>system.status</c>).</summary>
/// <param name="Name">The provider's name.</param>
/// <param name="Type"><c>anthropic</c>, <c>openai</c> or <c>openai-compatible</c>.</param>
/// <param name="BaseUrl">Where it is reached.</param>
/// <param name="Auth"><c>apiKey</c>, <c>oauth</c>, or <c>none</c> (a local server that needs no key).</param>
/// <param name="HasKey">Whether the key or login is present.</param>
/// <param name="Problem">What is missing and the command that fixes it, or <see langword="null"/>.</param>
/// <param name="CircuitOpen">Whether it failed so often lately that requests skip it for now.</param>
public sealed record ProviderStatus(string Name, string Type, string BaseUrl, string Auth, bool HasKey, string? Problem, bool CircuitOpen);
