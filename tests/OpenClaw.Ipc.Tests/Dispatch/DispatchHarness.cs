using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>
/// A dispatcher over the test methods (the specification's examples adapted to named params, plus methods that fail
/// in each way a handler can), with a capturing logger and a record of which handlers ran.
/// </summary>
internal sealed class DispatchHarness
{
    public const string LeakedDetail = "Password=hunter2 at /home/alice/.secret";

    private static readonly JsonElement s_getData = JsonDocument.Parse("""["hello",5]""").RootElement.Clone();
    private static readonly DispatchTestJsonContext s_json = DispatchTestJsonContext.Default;

    private readonly ConcurrentQueue<string> _calls = new();

    public DispatchHarness(RpcDispatcherOptions? options = null)
    {
        Table = BuildTable();
        Dispatcher = new RpcDispatcher(Table, options, Logger);
    }

    public RpcMethodTable Table { get; }

    public RpcDispatcher Dispatcher { get; }

    public CapturingLogger<RpcDispatcher> Logger { get; } = new();

    /// <summary>Every handler that ran, as "method:detail", in the order they ran.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>Released by a test to let <c>gate.echo</c> handlers finish.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <see cref="GateTarget"/> <c>gate.echo</c> handlers are waiting at the gate.</summary>
    public TaskCompletionSource AllAtGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int GateTarget { get; set; } = int.MaxValue;

    private int _atGate;

    public static RpcConnection Connection(Principal? principal = null) => new("test", "c1", IPAddress.Loopback, principal);

    public ValueTask<RpcReply> SendAsync(string json, Principal? principal = null) => SendAsync(json, Connection(principal));

    public ValueTask<RpcReply> SendAsync(string json, RpcConnection connection) =>
        Dispatcher.DispatchAsync(Encoding.UTF8.GetBytes(json), connection, TestContext.Current.CancellationToken);

    private RpcMethodTable BuildTable()
    {
        var table = new RpcMethodTable();
        table.Add("subtract", Role.None, s_json.SubtractParams, s_json.Int32, (p, _, _) =>
        {
            _calls.Enqueue($"subtract:{p.Minuend}-{p.Subtrahend}");
            return ValueTask.FromResult(p.Minuend - p.Subtrahend);
        });
        table.Add("sum", Role.None, s_json.SumParams, s_json.Int64, (p, _, _) =>
        {
            _calls.Enqueue("sum:" + string.Join(',', p.Numbers));
            return ValueTask.FromResult(p.Numbers.Sum());
        });
        table.Add("update", Role.None, s_json.UpdateParams, IpcJsonContext.Default.RpcEmpty, (p, _, _) =>
        {
            _calls.Enqueue("update:" + string.Join(',', p.Values));
            return ValueTask.FromResult(RpcEmpty.Instance);
        });
        table.Add("notify_hello", Role.None, s_json.HelloParams, IpcJsonContext.Default.RpcEmpty, (p, _, _) =>
        {
            _calls.Enqueue($"notify_hello:{p.Value}");
            return ValueTask.FromResult(RpcEmpty.Instance);
        });
        table.Add("get_data", Role.None, s_json.JsonElement, (_, _) =>
        {
            _calls.Enqueue("get_data");
            return ValueTask.FromResult(s_getData);
        });
        table.Add("echo", Role.None, s_json.EchoParams, s_json.String, (p, _, _) =>
        {
            _calls.Enqueue("echo:" + p.Text);
            return ValueTask.FromResult(p.Text);
        });
        table.Add("echo.async", Role.None, s_json.EchoParams, s_json.String, async (p, _, ct) =>
        {
            await Task.Yield();
            _calls.Enqueue("echo.async:" + p.Text);
            return p.Text;
        });
        table.Add("gate.echo", Role.None, s_json.EchoParams, s_json.String, async (p, _, ct) =>
        {
            if (Interlocked.Increment(ref _atGate) == GateTarget)
            {
                AllAtGate.TrySetResult();
            }

            await Gate.Task.WaitAsync(ct);
            return p.Text;
        });
        table.Add("greet", Role.None, s_json.GreetParams, s_json.String, (p, _, _) => ValueTask.FromResult("hello " + (p.Name ?? "stranger")));
        table.Add("profile", Role.None, s_json.ProfileParams, s_json.ProfileResult, (p, _, _) => ValueTask.FromResult(
            new ProfileResult(p.Name, p.Limit, p.Verbose, p.Tags?.Count ?? -1, p.Ratio, p.Extra.ValueKind.ToString())));
        table.Add("whoami", Role.None, s_json.WhoAmIResult, (c, _) => ValueTask.FromResult(Who(c)));
        table.Add("viewer.read", Role.Viewer, s_json.WhoAmIResult, (c, _) => ValueTask.FromResult(Who(c)));
        table.Add("operator.chat", Role.Operator, s_json.WhoAmIResult, (c, _) => ValueTask.FromResult(Who(c)));
        table.Add("admin.users", Role.Admin, s_json.WhoAmIResult, (c, _) => ValueTask.FromResult(Who(c)));
        table.Add("fail.rpc", Role.None, s_json.String, (_, _) =>
        {
            _calls.Enqueue("fail.rpc");
            throw new RpcException(RpcErrorCodes.Conflict, "Session 'main' is busy; wait for its turn to end.", new JsonObject { ["sessionKey"] = "main" });
        });
        table.Add("fail.rpc.async", Role.None, s_json.String, async (_, _) =>
        {
            await Task.Yield();
            throw RpcException.NotFound("No session 'x'; list them with sessions.list.");
        });
        table.Add("fail.openclaw", Role.None, s_json.String, (_, _) =>
            throw new OpenClawException("The store is read-only; free disk space and restart the gateway."));
        table.Add("fail.other", Role.None, s_json.String, (_, _) =>
        {
            _calls.Enqueue("fail.other");
            throw new InvalidOperationException("connection failed: " + LeakedDetail);
        });
        table.Add("fail.other.async", Role.None, s_json.String, async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async failure: " + LeakedDetail);
        });
        table.Add("fail.keynotfound", Role.None, s_json.String, (_, _) => throw new KeyNotFoundException("key 'x' " + LeakedDetail));
        table.Add("fail.result", Role.None, s_json.HalfSerializable, (_, _) => ValueTask.FromResult(new HalfSerializable()));
        table.Add("fail.result.async", Role.None, s_json.HalfSerializable, async (_, _) =>
        {
            await Task.Yield();
            return new HalfSerializable();
        });
        table.Add("system.methods", Role.Viewer, IpcJsonContext.Default.IReadOnlyListRpcMethodInfo, (_, _) => ValueTask.FromResult(table.Describe()));
        return table;
    }

    private static WhoAmIResult Who(RpcContext context) =>
        new(context.Principal?.Subject, context.Principal?.Role.ToWire(), context.Method, context.IsNotification);
}
