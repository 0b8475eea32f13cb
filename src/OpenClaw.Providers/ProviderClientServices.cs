using Microsoft.Extensions.AI;

namespace OpenClaw.Providers;

/// <summary>The <see cref="IChatClient.GetService"/> answer both provider clients give: their metadata, or themselves.</summary>
internal static class ProviderClientServices
{
    /// <summary><paramref name="metadata"/> for <see cref="ChatClientMetadata"/>, <paramref name="client"/> for a type it is, else null (and null for any key).</summary>
    public static object? Get(IChatClient client, ChatClientMetadata metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? metadata : serviceType.IsInstanceOfType(client) ? client : null;
    }
}
