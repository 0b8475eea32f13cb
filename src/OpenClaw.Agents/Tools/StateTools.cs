using System.Text.Json;
using OpenClaw.Core.Events;

namespace OpenClaw.Agents.Tools;

/// <summary><c>state_get</c>: a value of the session's named state.</summary>
internal sealed class StateGetTool : AgentTool
{
    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "key": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The state key." }
          },
          "required": ["key"],
          "additionalProperties": false
        }
        """;

    public StateGetTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "state_get";

    public override string Description =>
        "Reads a value this session stored with state_set (any JSON; null when unset). State lasts as long as the session.";

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var state = StateArguments.RequireState(context);
        var key = StateArguments.Key(parameters);
        var value = await state.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteString("key", key);
            w.WritePropertyName("value");
            if (value is { } element)
            {
                element.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }
        }));
    }
}

/// <summary><c>state_set</c>: sets or clears a value of the session's named state (a <c>state_changed</c> event).</summary>
internal sealed class StateSetTool : AgentTool
{
    private const string SchemaJson = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "key": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The state key (not under run., approval., context. or channel.)." },
            "value": { "description": "Any JSON value to store; null clears the key." }
          },
          "required": ["key", "value"],
          "additionalProperties": false
        }
        """;

    public StateSetTool()
        : base(SchemaJson)
    {
    }

    public override string Name => "state_set";

    public override string Description =>
        "Stores a JSON value under a key in this session's state (null clears it), to read back later with state_get. "
        + "Keys under run., approval., context. and channel. are reserved.";

    protected override async ValueTask<ToolOutcome> RunAsync(JsonElement parameters, ToolContext context, CancellationToken cancellationToken)
    {
        var state = StateArguments.RequireState(context);
        var key = StateArguments.Key(parameters);
        if (StateKeys.IsReserved(key))
        {
            throw new ToolFailureException(
                $"'{key}' is under a reserved prefix ({StateKeys.RunPrefix}, {StateKeys.ApprovalPrefix}, {StateKeys.ContextPrefix}, {StateKeys.ChannelPrefix}); choose another key.");
        }

        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty("value", out var value))
        {
            throw new ToolFailureException("value is required (use null to clear the key).");
        }

        var cleared = value.ValueKind == JsonValueKind.Null;
        await state.SetAsync(key, cleared ? null : value.Clone(), cancellationToken).ConfigureAwait(false);
        return ToolOutcome.Ok(ToolJson.Object(w =>
        {
            w.WriteString("key", key);
            w.WriteBoolean("cleared", cleared);
        }));
    }
}

/// <summary>What both state tools check.</summary>
internal static class StateArguments
{
    public static IToolSessionState RequireState(ToolContext context) =>
        context.State ?? throw new ToolFailureException("This call has no session, so there is no session state to use.");

    public static string Key(JsonElement parameters)
    {
        var key = ToolJson.GetString(parameters, "key");
        if (string.IsNullOrEmpty(key))
        {
            throw new ToolFailureException("key must not be empty.");
        }

        if (key.Length > StateKeys.MaxKeyLength)
        {
            throw new ToolFailureException($"key must be at most {StateKeys.MaxKeyLength} characters.");
        }

        if (key.Any(char.IsControl) || !ToolJson.IsWellFormed(key))
        {
            throw new ToolFailureException("key must not contain control characters or lone surrogates.");
        }

        return key;
    }
}
