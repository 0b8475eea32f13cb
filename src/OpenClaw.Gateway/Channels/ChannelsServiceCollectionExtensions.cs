using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Channels;
using OpenClaw.Channels.Inbound;
using OpenClaw.Channels.Pairing;
using OpenClaw.Channels.Telegram;
using OpenClaw.Channels.WebChat;
using OpenClaw.Core.Config;
using OpenClaw.Core.State;
using OpenClaw.Gateway.Hosting;
using OpenClaw.Gateway.Methods;
using OpenClaw.Gateway.Rpc;

namespace OpenClaw.Gateway.Channels;

/// <summary>Registers the channels (web chat; Telegram when enabled), pairing, the dispatcher, their methods and the webhook endpoint.</summary>
internal static class ChannelsServiceCollectionExtensions
{
    /// <summary>The header Telegram sends with each webhook call, holding the secret given to <c>setWebhook</c>.</summary>
    public const string TelegramSecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>The webhook route.</summary>
    public const string TelegramWebhookRoute = "/hooks/telegram/{secret}";

    public static IServiceCollection AddChannels(this IServiceCollection services, StatePaths paths, OpenClawConfig config)
    {
        var channelsDirectory = Path.Combine(paths.Root, "channels");
        services.AddSingleton(sp => new PairingStore(PairingStore.PathFor(paths), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PairingGate>();
        services.AddSingleton(new InboundBuffer());
        services.AddSingleton<IChannelAdapter, WebChatChannel>();

        // Which channels run is fixed at start-up (a channel's connection and its files are set up once); the rest of
        // channels.* (policies, allowlists) applies live.
        if (config.Channels.Telegram.Enabled)
        {
            services.AddSingleton<IChannelAdapter>(sp =>
            {
                var live = sp.GetRequiredService<LiveConfig>();
                return new TelegramChannel(
                    () => live.Current.Channels.Telegram,
                    sp.GetRequiredService<SecretResolver>(),
                    Path.Combine(channelsDirectory, "telegram"),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetService<ILoggerFactory>(),
                    handler: null,
                    sp.GetService<TelegramChannelLimits>());
            });
        }

        services.AddSingleton<ChannelRegistry>();
        services.AddSingleton<SessionDirectory>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChannelDispatcher>();
        services.AddHostedService<ChannelHost>();
        services.AddSingleton<IRpcMethodGroup, ChannelsMethods>();
        return services;
    }

    /// <summary>Maps <c>POST /hooks/telegram/{secret}</c>: Telegram's webhook calls, checked by path and secret-token header.</summary>
    public static IEndpointRouteBuilder MapChannelHooks(this IEndpointRouteBuilder endpoints)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<ChannelRegistry>();
        endpoints.MapPost(TelegramWebhookRoute, async context =>
        {
            var telegram = registry.Telegram;
            var outcome = telegram is null
                ? WebhookOutcome.NotEnabled
                : await telegram.HandleWebhookAsync(
                    context.Request.RouteValues["secret"] as string ?? "",
                    context.Request.Headers[TelegramSecretHeader].ToString() is { Length: > 0 } header ? header : null,
                    context.Request.Body,
                    context.RequestAborted);
            context.Response.StatusCode = outcome switch
            {
                WebhookOutcome.Accepted => StatusCodes.Status200OK,
                WebhookOutcome.Unauthorized => StatusCodes.Status401Unauthorized,
                WebhookOutcome.TooManyRequests => StatusCodes.Status429TooManyRequests,
                WebhookOutcome.BadRequest => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status404NotFound,
            };
            if (outcome == WebhookOutcome.TooManyRequests)
            {
                context.Response.Headers.RetryAfter = "1";
            }
        });
        return endpoints;
    }
}
