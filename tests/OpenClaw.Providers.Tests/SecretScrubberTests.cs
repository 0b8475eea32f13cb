using OpenClaw.Core.Credentials;

namespace OpenClaw.Providers.Tests;

public sealed class SecretScrubberTests
{
    [Fact]
    public void A_real_key_is_scrubbed_whole_and_when_echoed_cut_short()
    {
        var key = new Secret("sk-live-0123456789abcdefghij");

        var scrubbed = SecretScrubber.Scrub("bad key sk-live-0123456789abcdefghij; was sk-live-0123456789ab…", key);

        Assert.Equal("bad key ***; was ***…", scrubbed);
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("EMPTY")]
    [InlineData("x")]
    public void A_placeholder_key_a_local_server_is_given_leaves_the_message_readable(string placeholder)
    {
        var message = $"model 'ollama/llama3' not found; key {placeholder} accepted; EMPTY response";

        Assert.Equal(message, SecretScrubber.Scrub(message, new Secret(placeholder)));
    }
}
