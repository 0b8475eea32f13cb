using System.Collections.Frozen;
using OpenClaw.Core.Config;

namespace OpenClaw.Agents.Tools;

/// <summary>
/// Every tool the gateway knows (the built-ins, and later plugins), and the agent policy over them: which tools an agent
/// may call (<c>tools.allow</c>/<c>deny</c>) and which calls wait for approval (<c>tools.approval</c>).
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
public sealed class ToolRegistry
{
    private readonly Lazy<(IReadOnlyList<IAgentTool> All, FrozenDictionary<string, IAgentTool> ByName)> _tools;

    /// <summary>Creates the registry over <paramref name="tools"/> (names must be unique).</summary>
    public ToolRegistry(IEnumerable<IAgentTool> tools)
        : this(() => tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _ = _tools.Value; // given tools are checked at once
    }

    /// <summary>
    /// Creates the registry over tools made on first use (compiling every tool's schema costs a few megabytes, which an
    /// idle gateway does not need to hold).
    /// </summary>
    public ToolRegistry(Func<IEnumerable<IAgentTool>> createTools)
    {
        ArgumentNullException.ThrowIfNull(createTools);
        _tools = new Lazy<(IReadOnlyList<IAgentTool>, FrozenDictionary<string, IAgentTool>)>(() =>
        {
            IReadOnlyList<IAgentTool> all = [.. createTools()];
            var byName = new Dictionary<string, IAgentTool>(StringComparer.Ordinal);
            foreach (var tool in all)
            {
                if (!byName.TryAdd(tool.Name, tool))
                {
                    throw new ArgumentException($"Two tools are named '{tool.Name}'.", nameof(createTools));
                }
            }

            return (all, byName.ToFrozenDictionary(StringComparer.Ordinal));
        });
    }

    /// <summary>Every tool, in a stable order.</summary>
    public IReadOnlyList<IAgentTool> All => _tools.Value.All;

    /// <summary>The tool named <paramref name="name"/>, or null.</summary>
    public IAgentTool? Find(string name) => _tools.Value.ByName.GetValueOrDefault(name);

    /// <summary>The tools <paramref name="agent"/> may call, in registry order (what the model is offered).</summary>
    public IReadOnlyList<IAgentTool> For(AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return [.. All.Where(t => IsAllowed(agent, t.Name))];
    }

    /// <summary>
    /// Whether <paramref name="agent"/> may call the tool: a name matches <c>tools.allow</c>, matches no <c>tools.deny</c>
    /// (deny wins), and <c>web_fetch</c> additionally needs <c>tools.webFetch.enabled</c>.
    /// </summary>
    public static bool IsAllowed(AgentOptions agent, string toolName)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(toolName);
        if (string.Equals(toolName, WebFetchToolName, StringComparison.Ordinal) && !agent.Tools.WebFetch.Enabled)
        {
            return false;
        }

        return agent.Tools.Allow.Any(p => Matches(p, toolName)) && !agent.Tools.Deny.Any(p => Matches(p, toolName));
    }

    /// <summary>Whether a call of <paramref name="tool"/> by <paramref name="agent"/> waits for approval.</summary>
    public static bool NeedsApproval(AgentOptions agent, IAgentTool tool)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(tool);
        return agent.Tools.Approval switch
        {
            ToolApproval.Always => true,
            ToolApproval.Dangerous => tool.IsDangerous,
            _ => false,
        };
    }

    /// <summary>The name of the tool that is off unless <c>tools.webFetch.enabled</c>.</summary>
    public const string WebFetchToolName = "web_fetch";

    /// <summary>Whether a pattern (<c>*</c> matches any run of characters) matches the whole name.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern.AsSpan(), name.AsSpan());
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        // Iterative wildcard match with backtracking to the last star: linear for the short names tools have.
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (p < pattern.Length && pattern[p] == name[n])
            {
                p++;
                n++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
