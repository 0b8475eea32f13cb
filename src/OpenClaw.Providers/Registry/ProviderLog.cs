using Microsoft.Extensions.Logging;

namespace OpenClaw.Providers.Registry;

internal static partial class ProviderLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Listing the models of provider {Provider} failed ({Failure}, status {Status}); it is left out of models.list")]
    public static partial void ListingFailed(ILogger logger, string provider, ProviderFailure failure, int? status);
}
