using System.Text;
using BenchmarkDotNet.Attributes;
using OpenClaw.Core.Config.Json5;

namespace OpenClaw.Bench;

/// <summary>
/// Parses a realistic ~10 KB openclaw.json (the documented shape, many agents, channels and routes, comments and
/// every JSON5 convenience a person writes), as the gateway does at start-up and on every live reload.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/OpenClaw.Bench -- --filter '*Json5Reader*'</c>.</remarks>
[MemoryDiagnoser]
public class Json5ReaderBenchmarks
{
    private string _config = "";

    /// <summary>The config text's length in characters, shown in the results table.</summary>
    [Params(10_000)]
    public int TargetSize { get; set; }

    /// <summary>Builds the config once; it is checked to parse before timing starts.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _config = BuildConfig(TargetSize);
        Json5Reader.Parse(_config);
    }

    /// <summary>Parses the whole config into positioned nodes.</summary>
    [Benchmark]
    public Json5Node ParseConfig() => Json5Reader.Parse(_config);

    /// <summary>A config of about <paramref name="targetSize"/> characters.</summary>
    internal static string BuildConfig(int targetSize)
    {
        var agents = new StringBuilder();
        var routes = new StringBuilder();
        for (var i = 0; agents.Length + routes.Length + Head.Length + Tail.Length < targetSize; i++)
        {
            agents.Append($$"""
                    // agent {{i}}: answers the family group, falls back to a cheaper model
                    'helper-{{i}}': {
                      model: "anthropic/claude-sonnet-4-5",
                      fallbacks: ["openai/gpt-4.1-mini", 'ollama/llama3.1:8b',],
                      systemPrompt: "You are helper {{i}}.\n\
                Keep answers short; say \"I don't know\" when unsure.",
                      maxTokens: 0x1000, temperature: .7, maxTurns: 20, turnTimeoutSeconds: 6e2,
                      tools: { allow: ["read_file", "web_search", 'shell'], deny: [], approval: "dangerous" },
                      sandbox: { level: "strict", timeoutSeconds: 120, memoryMb: 1024, maxProcesses: 256, maxOutputBytes: 1048576, },
                    },

                """);
            routes.Append($$"""
                    { channel: "telegram", peer: "{{100000 + i}}", agent: 'helper-{{i}}' }, /* family member {{i}} */

                """);
        }

        return Head + agents + Middle + routes + Tail;
    }

    private const string Head = """
        // openclaw.json: the gateway's configuration (JSON5)
        {
          gateway: {
            bind: "127.0.0.1",            // loopback only
            port: 18789,
            cors: { allowedOrigins: ['https://dashboard.example.org',], },
            limits: { maxMessageBytes: 1048576, maxBatch: 100, maxJsonDepth: 64, maxAttachmentBytes: 20971520,
                      requestsPerMinute: 6000, authFailuresPerMinute: 20 },
          },
          providers: {
            anthropic: { type: "anthropic", apiKey: "cred:anthropic", baseUrl: "https://api.anthropic.com" },
            openai:    { type: "openai", apiKey: "${OPENAI_API_KEY}", baseUrl: "https://api.openai.com/v1" },
            ollama:    { type: "openai-compatible", baseUrl: 'http://127.0.0.1:11434/v1' },
          },
          agents: {
            default: {
              model: "anthropic/claude-sonnet-4-5",
              systemPrompt: "You are a helpful personal assistant.",
              maxTokens: 4096, temperature: 0.7, maxTurns: 20, turnTimeoutSeconds: 600,
            },

        """;

    private const string Middle = """
          },
          channels: {
            telegram: {
              enabled: true, botToken: "cred:telegram", apiBaseUrl: "https://api.telegram.org",
              mode: "polling", dmPolicy: "pairing", allowFrom: ["12345", "67890"],
              groups: { policy: "allowlist", allowFrom: ["-1001234567890"], requireMention: true },
            },
          },
          routing: [

        """;

    private const string Tail = """
          ],
          workflows: {},
          plugins: { enabled: [], wasm: [] },
          logging: { level: "info", format: "text" },
        }

        """;
}
