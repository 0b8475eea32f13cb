using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpenClaw.Gateway.Hosting;

/// <summary>
/// The gateway's log on disk: <c>&lt;state&gt;/logs/openclaw-YYYYMMDD.log</c> (UTC day), the console's text format with a
/// timestamp in front, one file per day, the newest <see cref="KeptFiles"/> kept, each file mode 0600.
/// </summary>
/// <remarks>
/// Callers only queue a line; one background task writes them, so a slow disk never holds up a request. Disposing
/// writes what is queued (the last lines of a stopping gateway matter most).
/// </remarks>
internal sealed class GatewayFileLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    /// <summary>How many daily files are kept.</summary>
    public const int KeptFiles = 7;

    /// <summary>The file name's prefix; the rest is <c>yyyyMMdd.log</c>.</summary>
    public const string FilePrefix = "openclaw-";

    // A flood of log lines is dropped past this rather than using the machine's memory.
    private const int QueueCapacity = 10_000;

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly Task _writer;
    private IExternalScopeProvider? _scopes;

    public GatewayFileLoggerProvider(string directory, TimeProvider time)
    {
        _directory = directory;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The file name of the day <paramref name="utcNow"/> falls in.</summary>
    public static string FileName(DateTimeOffset utcNow) =>
        FilePrefix + utcNow.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ".log";

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        try
        {
            _writer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A log that cannot be written must not fail the gateway's stop.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or UnauthorizedAccessException)
        {
            // A log that cannot be written must not fail the gateway's stop.
        }
    }

    /// <summary>The largest a day's log file grows; later lines that day are dropped after one line saying so.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    private readonly HashSet<string> _truncated = new(StringComparer.Ordinal);

    private void Enqueue(string line) => _queue.Writer.TryWrite(line);

    private async Task WriteLoopAsync()
    {
        string? day = null;
        StreamWriter? file = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var line))
                {
                    var today = FileName(_time.GetUtcNow());
                    if (today != day || file is null)
                    {
                        file = await WriteAsync(file, null).ConfigureAwait(false);
                        file?.Dispose();
                        file = Open(today);
                        day = today;
                        if (file is not null)
                        {
                            Prune();
                        }
                    }

                    // A day's file stops growing at MaxFileBytes (a warning loop or debug logging must not fill the disk):
                    // one line says so, and the log goes on in the next day's file.
                    if (file is not null && file.BaseStream.Length >= MaxFileBytes)
                    {
                        if (_truncated.Add(day!))
                        {
                            file = await WriteAsync(file, $"{_time.GetUtcNow():O} [log truncated: this file reached {MaxFileBytes / (1024 * 1024)} MiB; later lines today are dropped]").ConfigureAwait(false);
                        }

                        continue;
                    }

                    file = await WriteAsync(file, line).ConfigureAwait(false);
                    day = file is null ? null : day;
                }

                file = await WriteAsync(file, null).ConfigureAwait(false);
                day = file is null ? null : day;
            }
        }
        finally
        {
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Writes a line (or flushes, for null); a failed write (disk full) closes the file, to be opened again for the next
    // line, rather than ending the log for good.
    private static async Task<StreamWriter?> WriteAsync(StreamWriter? file, string? line)
    {
        if (file is null)
        {
            return null;
        }

        try
        {
            if (line is null)
            {
                await file.FlushAsync().ConfigureAwait(false);
            }
            else
            {
                await file.WriteAsync(line).ConfigureAwait(false);
            }

            return file;
        }
        catch (IOException)
        {
            try
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // What was buffered is lost with the disk's space.
            }

            return null;
        }
    }

    // Null when the directory or file cannot be opened: the console still has every line.
    private StreamWriter? Open(string name)
    {
        try
        {
            if (!Directory.Exists(_directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(_directory);
                }
                else
                {
                    Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new StreamWriter(new FileStream(Path.Combine(_directory, name), options), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Prune()
    {
        try
        {
            // yyyyMMdd sorts by date: everything but the newest few goes.
            foreach (var old in Directory.GetFiles(_directory, FilePrefix + "*.log").Order(StringComparer.Ordinal).SkipLast(KeptFiles))
            {
                File.Delete(old);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Tried again at the next day's file.
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class FileLogger(GatewayFileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // As the single-line console: "info: Category[id] => scope message", after a UTC timestamp.
            var line = new StringBuilder(256)
                .Append(provider._time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Append(' ').Append(LevelName(logLevel)).Append(": ").Append(category)
                .Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append(']');
            provider._scopes?.ForEachScope(static (scope, builder) => builder.Append(" => ").Append(scope), line);
            line.Append(' ').Append(formatter(state, exception).ReplaceLineEndings(" "));
            if (exception is not null)
            {
                line.Append(' ').Append(exception.ToString().ReplaceLineEndings(" "));
            }

            provider.Enqueue(line.Append('\n').ToString());
        }
    }
}
