using Microsoft.Extensions.Time.Testing;
using OpenClaw.Agents.Approvals;
using OpenClaw.Agents.Runtime;
using OpenClaw.Core.Identifiers;

namespace OpenClaw.Agents.Tests.Approvals;

public sealed class ApprovalBrokerTests
{
    private static readonly SessionKey s_key = SessionKey.Generate(AgentId.From("default"), ChannelId.From("web"), PeerId.From("me"));

    private static System.Text.Json.JsonElement Params => System.Text.Json.JsonDocument.Parse("""{"command":"rm -rf x"}""").RootElement;

    [Fact]
    public async Task Nobody_deciding_in_time_is_a_denial_and_the_approval_is_gone()
    {
        var time = new FakeTimeProvider();
        var broker = new ApprovalBroker(time);
        var approval = broker.Open(s_key, "run_1", "call_1", "exec", Params, TimeSpan.FromSeconds(30));

        var waiting = broker.WaitAsync(approval, TestContext.Current.CancellationToken);
        Assert.Single(broker.List());
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(ApprovalDecision.TimedOut, await waiting.WaitAsync(Testing.TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Empty(broker.List());
        Assert.Throws<AgentException>(() => broker.Resolve(approval.ApprovalId, allow: true));
    }

    [Fact]
    public async Task The_first_decision_wins_and_a_second_is_refused()
    {
        var broker = new ApprovalBroker(new FakeTimeProvider());
        var approval = broker.Open(s_key, "run_1", "call_1", "exec", Params, TimeSpan.FromMinutes(5));
        var waiting = broker.WaitAsync(approval, TestContext.Current.CancellationToken);

        var resolved = broker.Resolve(approval.ApprovalId, allow: false);

        Assert.Equal("rm -rf x", resolved.Params.GetProperty("command").GetString());
        Assert.Equal(ApprovalDecision.Deny, await waiting.WaitAsync(Testing.TestTimeouts.Default, TestContext.Current.CancellationToken));
        var again = Assert.Throws<AgentException>(() => broker.Resolve(approval.ApprovalId, allow: true));
        Assert.Equal(AgentErrorKind.NotFound, again.Kind);
    }

    [Fact]
    public async Task An_aborted_run_cancels_its_approval()
    {
        var broker = new ApprovalBroker(new FakeTimeProvider());
        var approval = broker.Open(s_key, "run_1", "call_1", "exec", Params, TimeSpan.FromMinutes(5));
        using var abort = new CancellationTokenSource();

        var waiting = broker.WaitAsync(approval, abort.Token);
        await abort.CancelAsync();

        Assert.Equal(ApprovalDecision.Cancelled, await waiting.WaitAsync(Testing.TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Empty(broker.List());
    }
}
