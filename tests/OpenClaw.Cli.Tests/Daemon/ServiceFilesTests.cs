using System.Xml;
using System.Xml.Linq;
using OpenClaw.Cli.Daemon;

namespace OpenClaw.Cli.Tests.Daemon;

/// <summary>The generated systemd unit and launchd plist.</summary>
public sealed class ServiceFilesTests
{
    [Fact]
    public void Systemd_unit_quotes_a_path_with_spaces_and_escapes_percent_and_dollar()
    {
        var unit = SystemdUnit.Render(new ServiceDefinition("/opt/my apps/100%/$x/openclaw", [new("OPENCLAW_STATE_DIR", "/srv/claw state")]));

        Assert.Contains("ExecStart=\"/opt/my apps/100%%/$$x/openclaw\" gateway run\n", unit, StringComparison.Ordinal);
        Assert.Contains("Environment=\"OPENCLAW_STATE_DIR=/srv/claw state\"\n", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_definition_carries_only_the_state_dir_and_config_path_never_a_secret()
    {
        var environment = new Dictionary<string, string>
        {
            ["OPENCLAW_STATE_DIR"] = "/srv/claw",
            ["OPENCLAW_CONFIG_PATH"] = "/etc/openclaw.json",
            ["OPENCLAW_GATEWAY_TOKEN"] = "canary-token",
            ["OPENCLAW_MASTER_PASSWORD"] = "canary-password",
        };

        var service = ServiceDefinition.For("/usr/local/bin/openclaw", name => environment.GetValueOrDefault(name));

        Assert.Equal(["OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH"], service.Environment.Select(e => e.Key));
    }

    [Fact]
    public void Launchd_plist_runs_gateway_run_with_the_state_dir_and_restarts_only_after_a_failure()
    {
        var plist = LaunchdPlist.Render(
            new ServiceDefinition("/Users/ada/bin/open&claw/openclaw", [new("OPENCLAW_STATE_DIR", "/Users/ada/.openclaw")]),
            "/Users/ada/Library/Logs/openclaw/gateway.log");

        using var reader = XmlReader.Create(new StringReader(plist), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var dict = XDocument.Load(reader).Root!.Element("dict")!;
        XElement Value(XElement d, string key) => d.Elements().SkipWhile(e => !(e.Name == "key" && e.Value == key)).Skip(1).First();

        Assert.Equal("ai.openclaw.gateway", Value(dict, "Label").Value);
        Assert.Equal(["/Users/ada/bin/open&claw/openclaw", "gateway", "run"], Value(dict, "ProgramArguments").Elements("string").Select(e => e.Value));
        Assert.Equal("/Users/ada/.openclaw", Value(Value(dict, "EnvironmentVariables"), "OPENCLAW_STATE_DIR").Value);
        Assert.Equal("true", Value(dict, "RunAtLoad").Name.LocalName);
        Assert.Equal("false", Value(Value(dict, "KeepAlive"), "SuccessfulExit").Name.LocalName);
        Assert.Equal("/Users/ada/Library/Logs/openclaw/gateway.log", Value(dict, "StandardErrorPath").Value);
    }

    [Fact]
    public void Launchd_plist_lives_in_LaunchAgents()
    {
        Assert.Equal("/Users/ada/Library/LaunchAgents/ai.openclaw.gateway.plist", LaunchdPlist.PathFor(name => name == "HOME" ? "/Users/ada" : null));
    }
}
