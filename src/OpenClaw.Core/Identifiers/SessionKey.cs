using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace OpenClaw.Core.Identifiers;

/// <summary>
/// A session key, <c>agent:&lt;agent&gt;:&lt;channel&gt;:&lt;peer&gt;:&lt;id&gt;</c>; parsed and built only here.
/// </summary>
public readonly record struct SessionKey : IParsable<SessionKey>
{
    private const string Prefix = "agent:";
    private const string IdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

    private SessionKey(AgentId agent, ChannelId channel, PeerId peer, string id)
    {
        Agent = agent;
        Channel = channel;
        Peer = peer;
        Id = id;
    }

    /// <summary>The agent that owns the session.</summary>
    public AgentId Agent { get; }

    /// <summary>The channel the session talks on.</summary>
    public ChannelId Channel { get; }

    /// <summary>The peer (user or group) on that channel.</summary>
    public PeerId Peer { get; }

    /// <summary>The short id that tells sessions of one agent, channel and peer apart.</summary>
    public string Id { get; }

    /// <summary>Builds a key from its parts, validating the id part like any other id.</summary>
    public static SessionKey Create(AgentId agent, ChannelId channel, PeerId peer, string id) =>
        new(agent, channel, peer, IdFormat.Validate("session id", id));

    /// <summary>Builds a key with a fresh random 10-character id.</summary>
    public static SessionKey Generate(AgentId agent, ChannelId channel, PeerId peer) =>
        new(agent, channel, peer, NewId());

    /// <summary>Parses a key, throwing <see cref="OpenClawException"/> that says what is wrong.</summary>
    public static SessionKey Parse(string value)
    {
        if (!TryParse(value, out var key, out var error))
        {
            throw new OpenClawException(error);
        }

        return key;
    }

    /// <inheritdoc />
    public static SessionKey Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SessionKey result) =>
        TryParse(s, out result, out _);

    /// <summary>Parses a key and explains the first problem when it is invalid.</summary>
    public static bool TryParse(string? value, out SessionKey result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "session key must not be empty.";
            return false;
        }

        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = "session key must look like agent:<agent>:<channel>:<peer>:<id>.";
            return false;
        }

        var parts = value[Prefix.Length..].Split(':');
        if (parts.Length != 4)
        {
            error = $"session key must have 5 parts separated by ':' (agent:<agent>:<channel>:<peer>:<id>), found {parts.Length + 1}.";
            return false;
        }

        if (!IdFormat.TryValidate("agent id", parts[0], out error)
            || !IdFormat.TryValidate("channel id", parts[1], out error)
            || !IdFormat.TryValidate("peer id", parts[2], out error)
            || !IdFormat.TryValidate("session id", parts[3], out error))
        {
            error = "invalid session key: " + error;
            return false;
        }

        result = new SessionKey(AgentId.From(parts[0]), ChannelId.From(parts[1]), PeerId.From(parts[2]), parts[3]);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Id is null ? string.Empty : $"{Prefix}{Agent.Value}:{Channel.Value}:{Peer.Value}:{Id}";

    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = IdAlphabet[bytes[i] & 31];
        }

        return new string(chars);
    }
}
