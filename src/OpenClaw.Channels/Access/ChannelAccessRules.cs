using OpenClaw.Core.Config;

namespace OpenClaw.Channels.Access;

/// <summary>The access settings of one channel, taken from the effective config.</summary>
/// <param name="DmPolicy">Who may send direct messages.</param>
/// <param name="AllowFrom">User ids allowed in direct messages (or <c>"*"</c> with <see cref="DmPolicy.Open"/>).</param>
/// <param name="GroupPolicy">Whether and for whom the bot answers in groups.</param>
/// <param name="GroupAllowFrom">User ids answered in groups under <see cref="GroupPolicy.Allowlist"/>.</param>
/// <param name="RequireMention">Whether a group message must mention the bot (or reply to it).</param>
public sealed record ChannelAccessRules(
    DmPolicy DmPolicy,
    IReadOnlyList<string> AllowFrom,
    GroupPolicy GroupPolicy,
    IReadOnlyList<string> GroupAllowFrom,
    bool RequireMention)
{
    /// <summary>The rules of <c>channels.telegram</c>.</summary>
    public static ChannelAccessRules From(TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(
            options.DmPolicy,
            [.. options.AllowFrom.OfType<string>()],
            options.Groups.Policy,
            [.. options.Groups.AllowFrom.OfType<string>()],
            options.Groups.RequireMention);
    }
}
