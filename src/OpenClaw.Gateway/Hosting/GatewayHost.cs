using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenClaw.Core;
using OpenClaw.Gateway.Health;

namespace OpenClaw.Gateway.Hosting;

/// <summary>Builds and runs the gateway web application.</summary>
public static class GatewayHost
{
    /// <summary>Builds the gateway; call <c>StartAsync</c> or <c>RunAsync</c> on the result.</summary>
    public static WebApplication Build(GatewayHostOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.TryParse(options.Bind, out var address))
        {
            throw new OpenClawException(
                $"gateway.bind '{options.Bind}' is not an IP address; use 127.0.0.1 (the default) or another literal address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new OpenClawException($"gateway.port {options.Port} is outside 0-65535.");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.UseKestrel(k => k.Listen(address, options.Port));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(options);

        var app = builder.Build();
        app.MapHealth(time ?? TimeProvider.System);
        return app;
    }

    /// <summary>The addresses the running gateway listens on (useful with port 0).</summary>
    public static IReadOnlyCollection<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
    }
}
