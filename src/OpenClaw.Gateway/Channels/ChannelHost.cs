using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenClaw.Channels;
using OpenClaw.Channels.Inbound;
using OpenClaw.Gateway.Events;

namespace OpenClaw.Gateway.Channels;

/// <summary>
/// Starts the channel adapters with the gateway and runs the one consumer of the inbound buffer; pushes status and
/// pairing changes to <c>channels</c> subscribers. The gateway reports ready only after this has started.
/// </summary>
internal sealed partial class ChannelHost(
    ChannelRegistry channels,
    PairingGate pairing,
    InboundBuffer inbound,
    ChannelDispatcher dispatcher,
    EventHub hub,
    ILogger<ChannelHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _consumer = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await pairing.LoadAsync(cancellationToken);
        pairing.Store.Changed += PublishPairing;
        _consumer = Task.Run(() => ConsumeAsync(_stopping.Token), CancellationToken.None);
        foreach (var adapter in channels.All)
        {
            adapter.StatusChanged += PublishStatus;
            try
            {
                await adapter.StartAsync(inbound, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogStartFailed(logger, ex, adapter.Id.Value);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var adapter in channels.All)
        {
            try
            {
                await adapter.StopAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStopFailed(logger, ex, adapter.Id.Value);
            }

            adapter.StatusChanged -= PublishStatus;
        }

        await _stopping.CancelAsync();
        await _consumer;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _consumer;
        _stopping.Dispose();
    }

    private async Task ConsumeAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var item in inbound.ReadAllAsync(stopping))
            {
                InboundOutcome outcome;
                try
                {
                    outcome = await dispatcher.DispatchAsync(item.Message, stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    item.Complete(InboundOutcome.Failed);
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogDispatchFailed(logger, ex, item.Message.Channel.Value);
                    outcome = InboundOutcome.Failed;
                }

                item.Complete(outcome);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void PublishStatus(ChannelStatus status) =>
        hub.Publish(EventHub.ChannelsTopic, "status", writer =>
        {
            writer.WritePropertyName("channel"u8);
            JsonSerializer.Serialize(writer, status, Rpc.GatewayJsonContext.Default.ChannelStatus);
        });

    private void PublishPairing() =>
        hub.Publish(EventHub.ChannelsTopic, "pairing", writer => writer.WriteNumber("pending"u8, pairing.Store.ListPending().Count));

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel {Channel} failed to start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel} failed to stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on channel {Channel} could not be recorded; the channel delivers it again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string channel);
}
