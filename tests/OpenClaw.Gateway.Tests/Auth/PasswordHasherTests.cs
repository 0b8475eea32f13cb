using OpenClaw.Gateway.Auth;

namespace OpenClaw.Gateway.Tests.Auth;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(AuthHarness.FastHash);

    [Fact]
    public void Hash_ThenVerify_AcceptsOnlyThePassword()
    {
        var hash = _hasher.Hash("correct horse battery staple");

        Assert.True(PasswordHasher.Verify("correct horse battery staple", hash));
        Assert.False(PasswordHasher.Verify("correct horse battery stapl", hash));
        Assert.False(PasswordHasher.Verify("Correct horse battery staple", hash));
        Assert.NotEqual(hash, _hasher.Hash("correct horse battery staple")); // a fresh salt each time
    }

    [Fact]
    public void Hash_WritesAPhcStringWithItsParameters()
    {
        var hash = _hasher.Hash("correct horse battery staple");

        Assert.Matches(@"^\$argon2id\$v=19\$m=8,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
    }

    [Fact]
    public void Verify_ReadsTheCostFromTheHashNotTheHasher()
    {
        var cheap = _hasher.Hash("correct horse battery staple");
        var other = new PasswordHasher(new PasswordHashParameters(16, 2, 1)).Hash("correct horse battery staple");

        Assert.True(PasswordHasher.Verify("correct horse battery staple", cheap));
        Assert.True(PasswordHasher.Verify("correct horse battery staple", other));
        Assert.Contains("m=16,t=2,p=1", other, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2i$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=4$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=1$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA")]
    public void Verify_MalformedOrOutOfRangeHash_ReturnsFalse(string phc)
    {
        Assert.False(PasswordHasher.Verify("correct horse battery staple", phc));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1025)]
    public void Hash_PasswordOutsideTheLengthRule_IsInvalid(int length)
    {
        var error = Assert.Throws<AuthException>(() => _hasher.Hash(new string('p', length)));

        Assert.Equal(AuthErrorKind.Invalid, error.Kind);
        Assert.Contains(length < 8 ? "at least 8" : "at most 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_IsOwaspsMinimumArgon2id()
    {
        Assert.Equal(new PasswordHashParameters(19 * 1024, 2, 1), PasswordHashParameters.Default);
        Assert.Contains("$m=19456,t=2,p=1$", new PasswordHasher().Hash("12345678"), StringComparison.Ordinal);
    }
}
