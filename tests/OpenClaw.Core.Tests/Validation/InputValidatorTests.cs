using System.Text;
using OpenClaw.Core.Validation;

namespace OpenClaw.Core.Tests.Validation;

public sealed class InputValidatorTests
{
    private readonly InputValidator _validator = new(new InputLimits { MaxMessageBytes = 16, MaxJsonDepth = 3, MaxAttachmentBytes = 100 });

    [Fact]
    public void CheckMessage_CountsUtf8BytesNotCharacters()
    {
        Assert.True(_validator.CheckMessage(new string('a', 16)).IsValid);
        var result = _validator.CheckMessage(new string('é', 9)); // 18 bytes
        Assert.False(result.IsValid);
        Assert.Contains("18 bytes", result.ToString(), StringComparison.Ordinal);
        Assert.Contains("gateway.limits.maxMessageBytes", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckJson_NestingPastTheLimit_IsRejectedWithoutThrowing()
    {
        Assert.True(_validator.CheckJson("[[[1]]]"u8).IsValid);
        var deep = _validator.CheckJson("[[[[1]]]]"u8);
        Assert.False(deep.IsValid);
        Assert.Contains("deeper than 3", deep.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckJson_HostilePayloads_GiveErrorsNotExceptions()
    {
        var validator = new InputValidator(InputLimits.Default);
        var bomb = Encoding.UTF8.GetBytes(new string('[', 100_000));
        Assert.False(validator.CheckJson(bomb).IsValid);
        Assert.Contains("not valid JSON", validator.CheckJson("{\"a\":"u8).ToString(), StringComparison.Ordinal);
        Assert.Contains("limit", _validator.CheckJson(new byte[17]).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAttachmentSize_EnforcesTheConfiguredLimit()
    {
        Assert.True(_validator.CheckAttachmentSize(100).IsValid);
        Assert.Contains("maxAttachmentBytes", _validator.CheckAttachmentSize(101).ToString(), StringComparison.Ordinal);
        Assert.False(_validator.CheckAttachmentSize(-1).IsValid);
    }
}
