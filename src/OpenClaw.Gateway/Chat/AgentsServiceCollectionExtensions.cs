using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Agents.Approvals;
using OpenClaw.Agents.Runtime;
using OpenClaw.Agents.Sandbox;
using OpenClaw.Agents.Tools;
using OpenClaw.Core.Config;
using OpenClaw.Core.Events;
using OpenClaw.Gateway.Events;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Methods;
using OpenClaw.Gateway.Rpc;
using OpenClaw.Providers.Registry;

namespace OpenClaw.Gateway.Chat;

/// <summary>Registers the agent runtime, its tools, approvals and sandboxes, and the chat and agent methods.</summary>
internal static class AgentsServiceCollectionExtensions
{
    public static IServiceCollection AddAgents(this IServiceCollection services, OpenClawConfig config)
    {
        services.AddSingleton(new ToolRegistry(BuiltInTools.Create));
        services.AddSingleton(sp => new ApprovalBroker(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISandboxProvider>(sp => new SandboxProvider(sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<ProviderRegistry>();
            var live = sp.GetRequiredService<LiveConfig>();
            return new AgentRuntime(
                sp.GetRequiredService<IEventStore>(),
                () => live.Current,
                registry.ForAgent,
                sp.GetRequiredService<ToolRegistry>(),
                sp.GetRequiredService<ApprovalBroker>(),
                sp.GetRequiredService<ISandboxProvider>(),
                config.Gateway.Limits.MaxConcurrentRuns,
                sp.GetRequiredService<TimeProvider>(),
                new ChatTopicSink(sp.GetRequiredService<EventHub>()),
                sp.GetService<ILoggerFactory>());
        });
        services.AddSingleton<IRpcMethodGroup, ChatMethods>();
        services.AddSingleton<IRpcMethodGroup, AgentsMethods>();
        return services;
    }
}
