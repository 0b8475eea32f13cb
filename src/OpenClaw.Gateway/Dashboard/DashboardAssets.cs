using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace OpenClaw.Gateway.Dashboard;

/// <summary>One file of the dashboard: its bytes, type, validator and (made on first use) compressed forms.</summary>
internal sealed class DashboardAsset
{
    private const int MinimumCompressibleBytes = 1024;
    private readonly Lazy<byte[]?> _gzip;
    private readonly Lazy<byte[]?> _brotli;

    public DashboardAsset(string path, byte[] content)
    {
        Path = path;
        Content = content;
        ContentType = DashboardContentTypes.For(path);
        ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
        var compressible = content.Length >= MinimumCompressibleBytes && DashboardContentTypes.IsCompressible(ContentType);
        _gzip = new Lazy<byte[]?>(() => compressible ? Compress(content, s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true)) : null);
        _brotli = new Lazy<byte[]?>(() => compressible ? Compress(content, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true)) : null);
    }

    /// <summary>The path under the site root, without the leading slash (<c>assets/index-abc.js</c>).</summary>
    public string Path { get; }

    public byte[] Content { get; }

    public string ContentType { get; }

    /// <summary>A strong validator from the content's hash.</summary>
    public string ETag { get; }

    /// <summary>The gzip form, or null when the file is too small or already compressed to be worth it.</summary>
    public byte[]? Gzip => _gzip.Value;

    /// <summary>The Brotli form, or null like <see cref="Gzip"/>.</summary>
    public byte[]? Brotli => _brotli.Value;

    private static byte[]? Compress(byte[] content, Func<Stream, Stream> wrap)
    {
        using var buffer = new MemoryStream();
        using (var compressor = wrap(buffer))
        {
            compressor.Write(content);
        }

        // Worth sending only when it saves something noticeable.
        return buffer.Length < content.Length * 9 / 10 ? buffer.ToArray() : null;
    }
}

/// <summary>The dashboard's files (ui/dist, embedded by ui.targets), read once when the gateway starts.</summary>
internal sealed class DashboardAssets
{
    /// <summary>The prefix ui.targets gives every embedded dashboard file.</summary>
    public const string ResourcePrefix = "dashboard/";

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    /// <summary>Wraps files given by path (tests, or the embedded resources below).</summary>
    public DashboardAssets(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        _files = files.ToFrozenDictionary(f => f.Key, f => new DashboardAsset(f.Key, f.Value), StringComparer.Ordinal);
    }

    /// <summary>The page every client-side route loads, or null when this build has no dashboard.</summary>
    public DashboardAsset? Index => _files.GetValueOrDefault("index.html");

    /// <summary>How many files there are.</summary>
    public int Count => _files.Count;

    /// <summary>Reads the dashboard embedded in the gateway's assembly.</summary>
    public static DashboardAssets FromEmbeddedResources()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        return new DashboardAssets(assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => KeyValuePair.Create(n[ResourcePrefix.Length..], Read(assembly, n))));
    }

    /// <summary>The file at a request path (<c>/assets/x.js</c>), or null.</summary>
    public DashboardAsset? Find(string requestPath)
    {
        var path = requestPath.TrimStart('/');
        return path.Length == 0 ? null : _files.GetValueOrDefault(path);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

/// <summary>Content types of the files a Vite build produces.</summary>
internal static class DashboardContentTypes
{
    private static readonly FrozenDictionary<string, string> s_types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".webmanifest"] = "application/manifest+json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".ico"] = "image/x-icon",
        [".woff2"] = "font/woff2",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The type for a file name; <c>application/octet-stream</c> when unknown.</summary>
    public static string For(string path) => s_types.GetValueOrDefault(System.IO.Path.GetExtension(path), "application/octet-stream");

    /// <summary>Text types compress well; images and fonts other than SVG are compressed already.</summary>
    public static bool IsCompressible(string contentType) =>
        contentType.StartsWith("text/", StringComparison.Ordinal)
        || contentType.StartsWith("application/json", StringComparison.Ordinal)
        || contentType.StartsWith("application/manifest+json", StringComparison.Ordinal)
        || contentType == "image/svg+xml";
}
