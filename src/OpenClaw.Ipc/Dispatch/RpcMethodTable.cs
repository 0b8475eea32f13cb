using System.Collections.Frozen;
using System.Text.Json.Serialization.Metadata;

namespace OpenClaw.Ipc.Dispatch;

/// <summary>A method's name and the minimum role needed to call it, as <c>system.methods</c> lists it.</summary>
/// <param name="Name">The method name.</param>
/// <param name="Role">The wire name of the minimum role: <c>none</c>, <c>viewer</c>, <c>operator</c> or <c>admin</c>.</param>
public sealed record RpcMethodInfo(string Name, string Role);

/// <summary>A typed method handler.</summary>
public delegate ValueTask<TResult> RpcHandler<in TParams, TResult>(TParams parameters, RpcContext context, CancellationToken cancellationToken);

/// <summary>
/// The one table of methods: each entry has its name, its minimum role and its typed handler. The dispatcher enforces
/// the role before the handler runs, so no handler checks roles itself.
/// </summary>
/// <remarks>Built once at start-up, then frozen; reads are thread-safe.</remarks>
public sealed class RpcMethodTable
{
    private readonly Dictionary<string, RpcMethod> _building = new(StringComparer.Ordinal);
    private FrozenDictionary<string, RpcMethod>? _frozen;

    /// <summary>Adds a method whose params bind to <typeparamref name="TParams"/> (absent params bind to <c>{}</c>).</summary>
    /// <exception cref="InvalidOperationException">The name is taken, reserved, or the table is frozen.</exception>
    public RpcMethodTable Add<TParams, TResult>(
        string name, Role minimumRole, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, RpcHandler<TParams, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(handler);
        return AddMethod(new RpcMethod<TParams, TResult>(name, minimumRole, paramsType, resultType, handler));
    }

    /// <summary>Adds a method that takes no params (absent, <c>{}</c> or <c>[]</c>; anything else is <c>-32602</c>).</summary>
    public RpcMethodTable Add<TResult>(
        string name, Role minimumRole, JsonTypeInfo<TResult> resultType, Func<RpcContext, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(name, minimumRole, IpcJsonContext.Default.RpcEmpty, resultType, (_, context, ct) => handler(context, ct));
    }

    private RpcMethodTable AddMethod(RpcMethod method)
    {
        if (_frozen is not null)
        {
            throw new InvalidOperationException("The method table is frozen once a dispatcher uses it.");
        }

        if (string.IsNullOrEmpty(method.Name) || method.Name.StartsWith("rpc.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{method.Name}' is not a usable method name (empty, or reserved by JSON-RPC).");
        }

        if (!_building.TryAdd(method.Name, method))
        {
            throw new InvalidOperationException($"Method '{method.Name}' is registered twice.");
        }

        return this;
    }

    /// <summary>Every method with its minimum role, sorted by name.</summary>
    public IReadOnlyList<RpcMethodInfo> Describe() =>
        [.. Frozen.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new RpcMethodInfo(m.Name, m.MinimumRole.ToWire()))];

    /// <summary>The minimum role of a method, or null when there is no such method.</summary>
    public Role? MinimumRoleOf(string name) => Frozen.TryGetValue(name, out var method) ? method.MinimumRole : null;

    internal FrozenDictionary<string, RpcMethod> Frozen => _frozen ??= _building.ToFrozenDictionary(StringComparer.Ordinal);
}
