using System.Buffers;
using System.Text.Json;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Events;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Gateway.Chat;

/// <summary>Writes a run's events as <c>chat.event</c> params: <c>{runId, sessionKey, kind, …}</c> (PROTOCOL.md, "Chat").</summary>
internal static class ChatEventJson
{
    /// <summary>The method of the notifications a run sends to the connection that started it.</summary>
    public const string Method = "chat.event";

    // Text meant for people and programs, never embedded in HTML: "<" and "'" stay as they are.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string KindName(ChatEventKind kind) => kind switch
    {
        ChatEventKind.Delta => "delta",
        ChatEventKind.ToolCall => "tool_call",
        ChatEventKind.ToolResult => "tool_result",
        ChatEventKind.ApprovalRequired => "approval_required",
        ChatEventKind.Done => "done",
        _ => "error",
    };

    /// <summary>Writes the members of one event (inside an open object).</summary>
    public static void WriteFields(Utf8JsonWriter w, ChatRunEvent e)
    {
        w.WriteString("runId"u8, e.RunId);
        w.WriteString("sessionKey"u8, e.SessionKey.ToString());
        w.WriteString("kind"u8, KindName(e.Kind));
        switch (e.Kind)
        {
            case ChatEventKind.Delta:
                w.WriteString("text"u8, e.Text);
                break;
            case ChatEventKind.ToolCall:
                w.WriteString("toolCallId"u8, e.ToolCallId);
                w.WriteString("tool"u8, e.Tool);
                WriteJson(w, "params"u8, e.Params);
                break;
            case ChatEventKind.ToolResult:
                w.WriteString("toolCallId"u8, e.ToolCallId);
                w.WriteBoolean("success"u8, e.Success ?? false);
                WriteJson(w, "result"u8, e.Result);
                break;
            case ChatEventKind.ApprovalRequired:
                w.WriteString("approvalId"u8, e.ApprovalId);
                w.WriteString("toolCallId"u8, e.ToolCallId);
                w.WriteString("tool"u8, e.Tool);
                WriteJson(w, "params"u8, e.Params);
                break;
            case ChatEventKind.Done:
                w.WriteString("reply"u8, e.Reply ?? "");
                w.WritePropertyName("usage"u8);
                JsonSerializer.Serialize(w, e.Usage ?? TokenUsage.Zero, EventJsonContext.Default.TokenUsage);
                break;
            default:
                w.WriteNumber("code"u8, e.ErrorCode ?? ChatErrorCodes.Internal);
                w.WriteString("message"u8, e.ErrorMessage ?? "The run failed.");
                break;
        }
    }

    /// <summary>A whole <c>chat.event</c> notification.</summary>
    public static byte[] Notification(ChatRunEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteString("method"u8, Method);
            w.WriteStartObject("params"u8);
            WriteFields(w, e);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteJson(Utf8JsonWriter w, ReadOnlySpan<byte> name, JsonElement? value)
    {
        w.WritePropertyName(name);
        if (value is { } v)
        {
            v.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}

/// <summary>Sends a run's events to the connection that started it, as <c>chat.event</c> notifications.</summary>
internal sealed class ConnectionChatSink(RpcConnection connection) : IChatEventSink
{
    public void OnEvent(ChatRunEvent chatEvent)
    {
        // A connection that closed or reads too slowly refuses; the run goes on and the log keeps everything.
        _ = connection.TryPush(ChatEventJson.Notification(chatEvent));
    }
}

/// <summary>Publishes every run's events on the <c>chat</c> topic: <c>event {topic:"chat", type:&lt;kind&gt;, runId, sessionKey, kind, …}</c>.</summary>
internal sealed class ChatTopicSink(EventHub hub) : IChatEventSink
{
    public void OnEvent(ChatRunEvent chatEvent)
    {
        if (hub.HasSubscribers(EventHub.ChatTopic))
        {
            hub.Publish(EventHub.ChatTopic, ChatEventJson.KindName(chatEvent.Kind), w => ChatEventJson.WriteFields(w, chatEvent));
        }
    }
}
