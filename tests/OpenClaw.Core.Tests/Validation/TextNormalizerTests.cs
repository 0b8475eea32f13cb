using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Validation;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("ﬁle", "file")]          // ligature
    [InlineData("ＡＤＭＩＮ", "ADMIN")]   // full-width letters
    [InlineData("①", "1")]
    [InlineData("e\u0301", "é")]          // composed
    public void Normalize_CompatibilityForms_FoldToWhatAPersonReads(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Normalize_ControlCharacters_AreStrippedButTabNewlineAndReturnStay()
    {
        var input = "a\u0000b\u0007c\u001bd\u007fe\u0085f\tg\nh\r\ni";
        Assert.Equal("abcdef\tg\nh\r\ni", TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Normalize_UnpairedSurrogates_BecomeReplacementCharacters()
    {
        Assert.Equal("a\uFFFDb\uFFFD", TextNormalizer.Normalize("a\uD800b\uDC00"));
        Assert.Equal("😀", TextNormalizer.Normalize("😀"));
    }

    [Fact]
    public void Normalize_CleanAsciiText_IsReturnedAsIs()
    {
        const string text = "Hello, world.\nSecond line.";
        Assert.Same(text, TextNormalizer.Normalize(text));
    }
}
