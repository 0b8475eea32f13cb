using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Cli.Sessions;

/// <summary>
/// How sessions, events and conversations look in the terminal and in a Markdown export. Every text that came from
/// a channel or a model is made printable first: no control character (a terminal escape) reaches the terminal.
/// </summary>
internal static class SessionFormat
{
    private const int SummaryLength = 80;

    private static readonly string[] s_listColumns = ["KEY", "AGENT", "CHANNEL", "STATE", "MESSAGES", "TOKENS", "LAST ACTIVITY (UTC)"];

    /// <summary>The <c>sessions list</c> table of summaries.</summary>
    public static string SessionTable(IReadOnlyList<JsonElement> sessions)
    {
        if (sessions.Count == 0)
        {
            return "No sessions.";
        }

        List<string[]> rows = [s_listColumns];
        foreach (var s in sessions)
        {
            rows.Add([
                Text(s, "sessionKey"), Text(s, "agentId"), Text(s, "channel"), Text(s, "state"),
                Number(s, "messageCount"), Tokens(s.TryGetProperty("usage", out var u) ? u : default).ToString(CultureInfo.InvariantCulture),
                Time(s, "lastActivity"),
            ]);
        }

        return CliText.Table(rows);
    }

    /// <summary>One <c>sessions events</c> line: seq, time, type and a short summary.</summary>
    public static string EventLine(JsonElement e) =>
        $"{Number(e, "seq"),6}  {Time(e, "timestamp", "yyyy-MM-dd HH:mm:ss")}  {Text(e, "type"),-16}  {EventSummary(e)}".TrimEnd();

    /// <summary>A one-line description of an event, at most about 80 characters of its text.</summary>
    public static string EventSummary(JsonElement e) => Text(e, "type") switch
    {
        "session_started" => $"{Text(e, "agentId")} on {Text(e, "channel")} with {Text(e, "peerId")}" +
            (e.TryGetProperty("forkedFrom", out var f) && f.ValueKind == JsonValueKind.Object
                ? $" (forked from {Text(f, "sessionKey")} at seq {Number(f, "atSeq")})"
                : ""),
        "message_received" => (e.TryGetProperty("senderName", out var n) && n.ValueKind == JsonValueKind.String ? Line(n.GetString()!, 40) + ": " : "")
            + Line(Raw(e, "text"), SummaryLength),
        "tool_called" => $"{Text(e, "tool")} {Line(Json(e, "params"), SummaryLength)}",
        "tool_result" => $"{Text(e, "toolCallId")} " + (Flag(e, "success")
            ? "ok " + Line(Json(e, "result"), SummaryLength)
            : "failed: " + Line(Raw(e, "error"), SummaryLength)),
        "agent_response" => $"{Text(e, "model")} ({Tokens(e.TryGetProperty("usage", out var u) ? u : default).ToString(CultureInfo.InvariantCulture)} tokens): {Line(Raw(e, "text"), SummaryLength)}",
        "message_sent" => Line(Raw(e, "text"), SummaryLength),
        "state_changed" => $"{Text(e, "key")} = {Line(Json(e, "value"), SummaryLength)}",
        "session_ended" => e.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? Line(r.GetString()!, SummaryLength) : "",
        _ => "",
    };

    /// <summary>The conversation of a projection (<c>sessions.get</c>): a header, then messages and tool calls in order.</summary>
    public static string Conversation(JsonElement p)
    {
        var text = new StringBuilder();
        text.Append("session ").AppendLine(Text(p, "sessionKey"));
        text.Append("agent ").Append(Text(p, "agentId")).Append(" · channel ").Append(Text(p, "channel"))
            .Append(" · peer ").Append(Text(p, "peerId")).Append(" · ").Append(Text(p, "state"));
        if (p.TryGetProperty("endedReason", out var reason) && reason.ValueKind == JsonValueKind.String)
        {
            text.Append(" (").Append(Line(reason.GetString()!, SummaryLength)).Append(')');
        }

        text.AppendLine();
        if (p.TryGetProperty("forkedFrom", out var fork) && fork.ValueKind == JsonValueKind.Object)
        {
            text.Append("forked from ").Append(Text(fork, "sessionKey")).Append(" at seq ").AppendLine(Number(fork, "atSeq"));
        }

        text.Append("as of seq ").Append(Number(p, "lastSeq")).Append(" (").Append(Time(p, "lastActivity", "yyyy-MM-dd HH:mm:ss")).Append(" UTC) · ")
            .Append(Tokens(p.TryGetProperty("usage", out var usage) ? usage : default).ToString(CultureInfo.InvariantCulture)).AppendLine(" tokens");

        var items = Items(p);
        if (items.Count == 0)
        {
            text.AppendLine().Append("(no messages yet)");
        }

        foreach (var (_, item) in items)
        {
            text.AppendLine().Append(item);
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>A readable Markdown transcript of a projection.</summary>
    public static string Markdown(JsonElement p)
    {
        var text = new StringBuilder();
        text.Append("# Session ").AppendLine(Raw(p, "sessionKey")).AppendLine();
        text.Append("- Agent: ").AppendLine(Raw(p, "agentId"));
        text.Append("- Channel: ").Append(Raw(p, "channel")).Append(", peer ").AppendLine(Raw(p, "peerId"));
        text.Append("- Started: ").Append(Time(p, "startedAt", "yyyy-MM-dd HH:mm:ss")).AppendLine(" UTC");
        text.Append("- State: ").Append(Raw(p, "state"));
        if (p.TryGetProperty("endedReason", out var reason) && reason.ValueKind == JsonValueKind.String)
        {
            text.Append(" (").Append(CliText.Printable(reason.GetString()!, keepNewlines: false)).Append(')');
        }

        text.AppendLine();
        text.Append("- Tokens: ").AppendLine(Tokens(p.TryGetProperty("usage", out var usage) ? usage : default).ToString(CultureInfo.InvariantCulture));
        var items = new List<(long Seq, string Text)>();
        foreach (var m in Array(p, "messages"))
        {
            var role = Raw(m, "role") switch
            {
                "user" => "User" + (m.TryGetProperty("senderName", out var n) && n.ValueKind == JsonValueKind.String ? $" ({CliText.Printable(n.GetString()!, false)})" : ""),
                "assistant" => "Assistant" + (m.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? $" ({CliText.Printable(model.GetString()!, false)})" : ""),
                _ => "Sent",
            };
            var item = new StringBuilder();
            item.AppendLine().Append("## ").Append(role).Append(" · ").Append(Time(m, "timestamp", "yyyy-MM-dd HH:mm:ss")).Append(" · seq ").AppendLine(Number(m, "seq")).AppendLine();
            // Quoted, so a message cannot pass itself off as the transcript's own headings.
            item.Append("> ").AppendLine(CliText.Printable(Raw(m, "text"), keepNewlines: true).Replace("\n", "\n> ", StringComparison.Ordinal));
            items.Add((Seq(m, "seq"), item.ToString()));
        }

        foreach (var t in Array(p, "toolCalls"))
        {
            var item = new StringBuilder();
            item.AppendLine().Append("## Tool `").Append(CliText.Printable(Raw(t, "tool"), false)).Append("` · seq ").AppendLine(Number(t, "callSeq")).AppendLine();
            item.AppendLine("```json").AppendLine(CliText.Printable(Json(t, "params"), false)).AppendLine("```");
            if (t.TryGetProperty("success", out var success) && success.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                item.AppendLine().AppendLine(success.GetBoolean() ? "Result:" : "Failed: " + CliText.Printable(Raw(t, "error"), false)).AppendLine();
                item.AppendLine("```json").AppendLine(CliText.Printable(Json(t, "result"), false)).AppendLine("```");
            }

            items.Add((t.TryGetProperty("callSeq", out var c) && c.TryGetInt64(out var cs) ? cs : Seq(t, "resultSeq"), item.ToString()));
        }

        items.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        foreach (var (_, item) in items)
        {
            text.Append(item);
        }

        return text.ToString();
    }

    /// <summary>Messages and tool calls of a projection, each rendered, ordered by seq.</summary>
    private static List<(long Seq, string Text)> Items(JsonElement p)
    {
        var items = new List<(long Seq, string Text)>();
        foreach (var m in Array(p, "messages"))
        {
            var who = Raw(m, "role") switch
            {
                "user" => "user" + (m.TryGetProperty("senderName", out var n) && n.ValueKind == JsonValueKind.String ? $" ({Line(n.GetString()!, 40)})" : ""),
                "assistant" => "assistant" + (m.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? $" ({Line(model.GetString()!, 60)})" : ""),
                _ => "sent",
            };
            items.Add((Seq(m, "seq"), $"[{Number(m, "seq")}] {Time(m, "timestamp", "HH:mm:ss")} {who}:\n{Indent(CliText.Printable(Raw(m, "text"), keepNewlines: true))}"));
        }

        foreach (var t in Array(p, "toolCalls"))
        {
            var line = new StringBuilder();
            line.Append('[').Append(Number(t, "callSeq")).Append("] ").Append(Time(t, "calledAt", "HH:mm:ss")).Append(" tool ")
                .Append(Text(t, "tool")).Append(' ').Append(Line(Json(t, "params"), 200));
            if (t.TryGetProperty("success", out var success) && success.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                line.Append("\n    → ").Append(success.GetBoolean() ? "ok " + Line(Json(t, "result"), 200) : "failed: " + Line(Raw(t, "error"), 200));
            }
            else
            {
                line.Append("\n    → (running)");
            }

            items.Add((t.TryGetProperty("callSeq", out var c) && c.TryGetInt64(out var cs) ? cs : Seq(t, "resultSeq"), line.ToString()));
        }

        items.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return items;
    }

    /// <summary>Total tokens of a usage object: input, output, cache reads and cache writes.</summary>
    public static long Tokens(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }

        long total = 0;
        foreach (var name in (string[])["inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens"])
        {
            total += Seq(usage, name);
        }

        return total;
    }

    private static string Indent(string text) => "    " + text.Replace("\n", "\n    ", StringComparison.Ordinal);

    private static List<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];

    private static string Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? CliText.Printable(v.GetString()!, keepNewlines: false) : "-";

    private static string Json(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Undefined ? SessionJson.Compact(v) : "null";

    private static string Line(string value, int max)
    {
        var line = CliText.Printable(value.ReplaceLineEndings(" "), keepNewlines: false);
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    private static long Seq(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;

    private static string Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : "-";

    private static bool Flag(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static string Time(JsonElement e, string name, string format = "yyyy-MM-dd HH:mm") =>
        e.TryGetProperty(name, out var v) && v.TryGetDateTimeOffset(out var t) ? t.UtcDateTime.ToString(format, CultureInfo.InvariantCulture) : "-";
}
