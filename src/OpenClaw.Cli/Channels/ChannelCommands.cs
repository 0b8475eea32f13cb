using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenClaw.Cli.Rpc;

namespace OpenClaw.Cli.Channels;

/// <summary>
/// <c>openclaw channels list | status | probe &lt;id&gt;</c> and <c>openclaw pairing list | approve | reject</c>: over RPC
/// to the running gateway, which owns the channels and the pairing codes.
/// </summary>
internal static class ChannelCommands
{
    /// <summary>Builds <c>channels</c>.</summary>
    public static Command CreateChannels(Func<string, string?>? getEnvironmentVariable = null, RpcClientOptions? options = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        options ??= new RpcClientOptions();
        var channels = new Command("channels", "Chat channels (Telegram, web chat): their connection status.");
        foreach (var (name, method, description) in new[]
        {
            ("list", "channels.list", "List the channels, enabled or not."),
            ("status", "channels.status", "Show whether each channel is connected, as what, and what is wrong."),
        })
        {
            var connection = new GatewayConnectionOptions();
            var json = JsonOption();
            var command = new Command(name, description) { json };
            connection.AddTo(command);
            command.SetAction((result, ct) => CliErrors.RunAsync(result, () => RunAsync(result, connection, env, options, method, null, result.GetValue(json), WriteChannels, ct)));
            channels.Subcommands.Add(command);
        }

        {
            var connection = new GatewayConnectionOptions();
            var json = JsonOption();
            var id = new Argument<string>("id") { Description = "The channel id, e.g. telegram." };
            var probe = new Command("probe", "Check a channel's connection now (for Telegram: is the bot token accepted).") { id, json };
            connection.AddTo(probe);
            probe.SetAction((result, ct) => CliErrors.RunAsync(result, () =>
                RunAsync(result, connection, env, options, "channels.probe", Params(("channelId", result.GetRequiredValue(id))), result.GetValue(json), WriteProbe, ct)));
            channels.Subcommands.Add(probe);
        }

        return channels;
    }

    /// <summary>Builds <c>pairing</c>.</summary>
    public static Command CreatePairing(Func<string, string?>? getEnvironmentVariable = null, RpcClientOptions? options = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        options ??= new RpcClientOptions();
        var pairing = new Command("pairing", "Approve or reject people who asked to talk to the assistant (DM pairing codes).");
        {
            var connection = new GatewayConnectionOptions();
            var json = JsonOption();
            var channel = new Option<string?>("--channel") { Description = "Only this channel, e.g. telegram." };
            var list = new Command("list", "List the pending pairing codes and the paired senders.") { channel, json };
            connection.AddTo(list);
            list.SetAction((result, ct) => CliErrors.RunAsync(result, () =>
                RunAsync(result, connection, env, options, "pairing.list",
                    result.GetValue(channel) is { } c ? Params(("channel", c)) : null, result.GetValue(json), WritePairingList, ct)));
            pairing.Subcommands.Add(list);
        }

        foreach (var (name, method, description) in new[]
        {
            ("approve", "pairing.approve", "Approve a pairing code: its sender may talk to the assistant from now on."),
            ("reject", "pairing.reject", "Reject a pairing code."),
        })
        {
            var connection = new GatewayConnectionOptions();
            var json = JsonOption();
            var channel = new Argument<string>("channel") { Description = "The channel the code was given on, e.g. telegram." };
            var code = new Argument<string>("code") { Description = "The code the sender was given." };
            var command = new Command(name, description) { channel, code, json };
            connection.AddTo(command);
            command.SetAction((result, ct) => CliErrors.RunAsync(result, () =>
                RunAsync(result, connection, env, options, method,
                    Params(("channel", result.GetRequiredValue(channel)), ("code", result.GetRequiredValue(code))), result.GetValue(json), WriteDecision, ct)));
            pairing.Subcommands.Add(command);
        }

        return pairing;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the gateway's answer as JSON." };

    private static async Task<int> RunAsync(
        ParseResult result, GatewayConnectionOptions connection, Func<string, string?> env, RpcClientOptions options, string method,
        JsonElement? parameters, bool json, Func<JsonElement, string> format, CancellationToken cancellationToken)
    {
        var target = await connection.ResolveAsync(result, env, cancellationToken);
        using var answer = await RpcCall.CallAsync(target, method, parameters, options, result.InvocationConfiguration.Error, cancellationToken);
        if (answer is null)
        {
            return 1;
        }

        await result.InvocationConfiguration.Output.WriteLineAsync(json ? RpcCall.Indented(answer.RootElement) : format(answer.RootElement));
        return 0;
    }

    private static JsonElement Params(params (string Name, string Value)[] members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in members)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static readonly string[] s_channelColumns = ["CHANNEL", "ENABLED", "CONNECTED", "ACCOUNT", "MODE", "PROBLEM"];
    private static readonly string[] s_pendingColumns = ["CHANNEL", "CODE", "SENDER", "NAME", "EXPIRES (UTC)"];
    private static readonly string[] s_pairedColumns = ["CHANNEL", "PAIRED SENDER", "NAME", "SINCE (UTC)"];

    private static string WriteChannels(JsonElement result)
    {
        List<string[]> rows = [s_channelColumns];
        foreach (var c in result.GetProperty("channels").EnumerateArray())
        {
            rows.Add([Text(c, "id"), Flag(c, "enabled"), Flag(c, "connected"), Text(c, "account"), Text(c, "mode"), Text(c, "error")]);
        }

        return CliText.Table(rows);
    }

    private static string WriteProbe(JsonElement c) =>
        $"{Text(c, "id")}: " + (c.TryGetProperty("connected", out var connected) && connected.GetBoolean()
            ? $"connected as {Text(c, "account")}"
            : "not connected — " + Text(c, "error"));

    private static string WritePairingList(JsonElement result)
    {
        var text = new StringBuilder();
        var pending = result.GetProperty("pending");
        if (pending.GetArrayLength() == 0)
        {
            text.AppendLine("No pending pairing codes.");
        }
        else
        {
            List<string[]> rows = [s_pendingColumns];
            foreach (var p in pending.EnumerateArray())
            {
                rows.Add([Text(p, "channel"), Text(p, "code"), Text(p, "senderId"), Text(p, "senderName"), Time(p, "expiresAt")]);
            }

            text.AppendLine(CliText.Table(rows));
            text.AppendLine("Approve one with: openclaw pairing approve <channel> <code>");
        }

        var paired = result.GetProperty("paired");
        if (paired.GetArrayLength() > 0)
        {
            List<string[]> rows = [s_pairedColumns];
            foreach (var p in paired.EnumerateArray())
            {
                rows.Add([Text(p, "channel"), Text(p, "senderId"), Text(p, "senderName"), Time(p, "approvedAt")]);
            }

            text.AppendLine().Append(CliText.Table(rows));
        }

        return text.ToString().TrimEnd();
    }

    private static string WriteDecision(JsonElement d) =>
        $"{Text(d, "decision")}: sender {Text(d, "senderId")}" + (Text(d, "senderName") is { Length: > 1 } name ? $" ({name})" : "") + $" on {Text(d, "channel")}.";

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? CliText.Printable(v.GetString()!) : "-";

    private static string Flag(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True ? "yes" : "no";

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetDateTimeOffset(out var t) ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
