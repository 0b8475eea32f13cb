using OpenClaw.Core.Config;

namespace OpenClaw.Core.Tests.Config;

public sealed class SuggestionsTests
{
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("port", "", 4)]
    [InlineData("prot", "port", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ca", "abc", 3)]
    [InlineData("loging", "logging", 1)]
    public void Distance_KnownPairs_AreOptimalStringAlignment(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
        Assert.Equal(expected, Suggestions.Distance(b, a));
    }

    [Fact]
    public void Validate_HugeUnknownKey_IsClippedAndCheap()
    {
        var key = new string('q', 2_000_000);
        var text = "{ " + key + ": 1 }";
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = TestConfig.Single(text);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("(2000000 characters)", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, $"message is {error.Message.Length} characters");

        // The text itself is 4 MB; a distance table per candidate used to cost hundreds of MB.
        Assert.True(allocated < 64L * 1024 * 1024, $"validation allocated {allocated / (1024 * 1024)} MB");
    }
}
