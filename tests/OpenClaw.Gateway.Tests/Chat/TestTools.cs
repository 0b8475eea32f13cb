using System.Text.Json;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Validation;

namespace OpenClaw.Gateway.Tests.Chat;

/// <summary>Tools for runtime tests: they record their calls and answer at once or when released.</summary>
internal sealed class RecordingTool(string name, bool dangerous = false) : IAgentTool
{
    private readonly List<JsonElement> _calls = [];
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    public string Description => "A test tool that echoes its text.";

    public ToolParameterSchema Schema { get; } = ToolParameterSchema.Parse(
        """{"type":"object","properties":{"text":{"type":"string","maxLength":100}},"required":["text"],"additionalProperties":false}""");

    public bool IsDangerous { get; } = dangerous;

    /// <summary>When set, a call waits for it (or for cancellation) before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completes when the tool has been entered once.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a running call saw its cancellation.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<JsonElement> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public async ValueTask<ToolOutcome> ExecuteAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add(parameters.Clone());
        }

        Entered.TrySetResult();
        if (Gate is { } gate)
        {
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
        }

        var text = parameters.GetProperty("text").GetString();
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string?> { ["echo"] = Name + ":" + text }, TestJson.Default.DictionaryStringString));
        return ToolOutcome.Ok(doc.RootElement.Clone());
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
