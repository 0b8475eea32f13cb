using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using OpenClaw.Core.Config;
using OpenClaw.Core.Credentials;
using OpenClaw.Core.State;
using OpenClaw.Providers;
using OpenClaw.Providers.Anthropic;
using OpenClaw.Providers.OpenAI;
using OpenClaw.Providers.Registry;
using OpenClaw.Providers.Resilience;
using OpenClaw.Testing;
using OpenClaw.Testing.Providers;

namespace OpenClaw.Bench.Providers;

/// <summary>
/// What our provider stack adds on top of reading the fake's raw SSE bytes: time to the first token and the cost of
/// a 2,000-token streamed reply, for the Anthropic client (ours) and the OpenAI client (the SDK behind
/// Microsoft.Extensions.AI), each through the product's full stack (timeout handler, retries, circuit breaker).
/// </summary>
/// <remarks>
/// The fake servers run in the same process on loopback, so both the <c>Raw</c> baseline and the <c>Client</c> case
/// include the server's own time and allocations; the difference between the two rows is the client's overhead
/// (per token: the difference in the 2,000-token rows divided by 2,000).
/// Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*ProviderStreamBenchmarks*'</c>.
/// </remarks>
[MemoryDiagnoser]
public class ProviderStreamBenchmarks
{
    /// <summary>Tokens in the long reply.</summary>
    public const int Tokens = 2000;

    private static readonly ChatMessage[] s_messages = [new(ChatRole.User, "Say something long.")];

    private FakeModelServer _server = null!;
    private HttpClient _rawHttp = null!;
    private HttpClient _clientHttp = null!;
    private TempDirectory _stateDir = null!;
    private CredentialStore _store = null!;
    private ResilientChatClient _client = null!;
    private Uri _rawUrl = null!;
    private string _rawBody = "";
    private byte[] _firstTokenMarker = [];
    private ChatOptions _options = null!;

    /// <summary>The provider wire format.</summary>
    [Params("anthropic", "openai")]
    public string Provider { get; set; } = "anthropic";

    /// <summary>Starts the fake with a 2,000-token reply and builds the client stack.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var reply = new FakeReply
        {
            Blocks = [new FakeText(string.Concat(Enumerable.Repeat("tok ", Tokens)))],
            DeltaChars = 4,
            Usage = new FakeUsage(20, Tokens),
        };
        _rawHttp = new HttpClient();
        var timeouts = new ProviderTimeouts(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90));
        _clientHttp = ProviderHttp.CreateClient(Provider, timeouts, TimeProvider.System);
        _stateDir = new TempDirectory();
        _store = new CredentialStore(new StatePaths(_stateDir.Path));
        _store.SetAsync(Provider, new Secret("bench-key")).GetAwaiter().GetResult();
        IChatClient raw;
        if (Provider == "anthropic")
        {
            var fake = FakeAnthropicServer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            _server = fake;
            var endpoint = Endpoint(fake.BaseUrl);
            raw = new AnthropicChatClient(endpoint, "claude-bench");
            _rawUrl = new Uri(fake.BaseUrl.AbsoluteUri.TrimEnd('/') + "/v1/messages");
            _rawBody = """{"model":"claude-bench","max_tokens":4096,"stream":true,"messages":[{"role":"user","content":"Say something long."}]}""";
            _firstTokenMarker = "text_delta"u8.ToArray();
        }
        else
        {
            var fake = FakeOpenAIServer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            _server = fake;
            raw = new OpenAIProviderClient(Endpoint(fake.BaseUrl), compatible: false, "gpt-bench");
            _rawUrl = new Uri(fake.BaseUrl, "chat/completions");
            _rawBody = """{"model":"gpt-bench","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say something long."}]}""";
            _firstTokenMarker = "\"content\":\"tok"u8.ToArray();
        }

        _server.DefaultReply = reply;
        _client = new ResilientChatClient(raw, Provider, 2, new ProviderCircuit(Provider, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        _options = new ChatOptions { MaxOutputTokens = 4096 };

        // Both paths must see the whole reply, or the comparison means nothing.
        var text = new StringBuilder();
        foreach (var update in _client.GetStreamingResponseAsync(s_messages, _options).ToBlockingEnumerable())
        {
            text.Append(update.Text);
        }

        if (text.ToString() != string.Concat(Enumerable.Repeat("tok ", Tokens)))
        {
            throw new InvalidOperationException($"The client streamed {text.Length} characters instead of the scripted reply.");
        }

        if (!RawFirstTokenAsync().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The raw stream never carried a text token.");
        }
    }

    /// <summary>Stops the fake.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _clientHttp.Dispose();
        _rawHttp.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        _stateDir.Dispose();
    }

    /// <summary>Baseline: POST and read raw bytes until the first text token's bytes arrive.</summary>
    [Benchmark(Baseline = true)]
    public Task<bool> FirstToken_Raw() => RawFirstTokenAsync();

    /// <summary>The product's client stack until the first update with text.</summary>
    [Benchmark]
    public async Task<bool> FirstToken_Client()
    {
        await foreach (var update in _client.GetStreamingResponseAsync(s_messages, _options).ConfigureAwait(false))
        {
            if (update.Contents.Count > 0 && update.Text.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Baseline: POST and read the whole 2,000-token stream's bytes.</summary>
    [Benchmark]
    public async Task<long> Stream2000_Raw()
    {
        using var request = RawRequest();
        using var response = await _rawHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new byte[16384];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>The product's client stack over the whole 2,000-token reply.</summary>
    [Benchmark]
    public async Task<int> Stream2000_Client()
    {
        var updates = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(s_messages, _options).ConfigureAwait(false))
        {
            updates += update.Contents.Count;
        }

        return updates;
    }

    private async Task<bool> RawFirstTokenAsync()
    {
        using var request = RawRequest();
        using var response = await _rawHttp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new byte[16384];
        var filled = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false)) > 0)
        {
            filled += read;
            if (buffer.AsSpan(0, filled).IndexOf(_firstTokenMarker) >= 0)
            {
                return true;
            }

            if (filled == buffer.Length)
            {
                filled = 0;
            }
        }

        return false;
    }

    private HttpRequestMessage RawRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _rawUrl)
        {
            Content = new StringContent(_rawBody, Encoding.UTF8, "application/json"),
        };

        // The same headers the clients send, so the fake treats both alike.
        if (Provider == "anthropic")
        {
            request.Headers.Add("x-api-key", "bench-key");
            request.Headers.Add("anthropic-version", AnthropicChatClient.ApiVersion);
        }
        else
        {
            request.Headers.Add("Authorization", "Bearer bench-key");
        }

        return request;
    }

    private ProviderEndpoint Endpoint(Uri baseUrl)
    {
        // The key comes the way the gateway gets it: a "cred:" reference resolved on every request from the credential
        // store (file read and AES-GCM decryption included in the measured time).
        var type = Provider == "anthropic" ? ProviderType.Anthropic : ProviderType.OpenAI;
        var options = new ProviderOptions { Name = Provider, Type = type, ApiKey = SecretReference.Credential(Provider), BaseUrl = baseUrl.AbsoluteUri };
        return new ProviderEndpoint
        {
            Name = Provider,
            BaseUrl = baseUrl,
            Http = _clientHttp,
            Credential = new ProviderCredential(options, new SecretResolver(_store, _ => null), oauth: null),
        };
    }
}
