using System.Text.Json;
using OpenClaw.Ipc.Dispatch;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary>
/// Params binding as a client sees it: every problem with the params is <c>-32602</c> naming the field in the message
/// and in <c>data.field</c>, and the handler does not run.
/// </summary>
public sealed class RpcMethodTests
{
    private readonly DispatchHarness _harness = new();

    [Fact]
    public async Task Bind_UnknownField_IsInvalidParamsNamingTheField()
    {
        var error = await ErrorAsync("echo", """{"text": "hi", "colour": "red"}""");

        Assert.Equal("Invalid params: unknown field 'colour'.", RpcAssert.Message(error));
        Assert.Equal("colour", RpcAssert.Data(error).GetProperty("field").GetString());
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Bind_UnknownFieldWithAHugeName_NamesItShortened()
    {
        var name = new string('x', 5000);

        var error = await ErrorAsync("echo", $$"""{"text": "hi", "{{name}}": 1}""");

        var field = RpcAssert.Data(error).GetProperty("field").GetString()!;
        Assert.Equal(new string('x', 64) + "…", field);
        Assert.True(RpcAssert.Message(error).Length < 200, "the message must not echo a huge name");
    }

    [Fact]
    public async Task Bind_FieldNameInOtherCase_IsUnknownBecauseNamesAreCaseSensitive()
    {
        var error = await ErrorAsync("subtract", """{"Minuend": 42, "subtrahend": 23}""");

        Assert.Equal("Minuend", RpcAssert.Data(error).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("subtract", """{"minuend": "42", "subtrahend": 23}""", "minuend", "must be a whole number in range")]
    [InlineData("subtract", """{"minuend": 4.5, "subtrahend": 23}""", "minuend", "must be a whole number in range")]
    [InlineData("subtract", """{"minuend": 1e40, "subtrahend": 23}""", "minuend", "must be a whole number in range")]
    [InlineData("subtract", """{"minuend": 42, "subtrahend": 3000000000}""", "subtrahend", "must be a whole number in range")]
    [InlineData("echo", """{"text": 5}""", "text", "must be a string")]
    [InlineData("echo", """{"text": {"a": 1}}""", "text", "must be a string")]
    [InlineData("profile", """{"name": "a", "verbose": "yes"}""", "verbose", "must be true or false")]
    [InlineData("profile", """{"name": "a", "ratio": "half"}""", "ratio", "must be a number")]
    [InlineData("profile", """{"name": "a", "tags": "x"}""", "tags", "must be an array")]
    [InlineData("sum", """{"numbers": {"a": 1}}""", "numbers", "must be an array")]
    public async Task Bind_MistypedField_IsInvalidParamsNamingTheFieldAndWhatItMustBe(string method, string parameters, string field, string expected)
    {
        var error = await ErrorAsync(method, parameters);

        Assert.Equal($"Invalid params: field '{field}' {expected}.", RpcAssert.Message(error));
        Assert.Equal(field, RpcAssert.Data(error).GetProperty("field").GetString());
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Bind_ArrayWithAMistypedElement_NamesTheFieldWithoutClaimingItIsNotAnArray()
    {
        var error = await ErrorAsync("sum", """{"numbers": [1, "two", 3]}""");

        Assert.Equal("numbers", RpcAssert.Data(error).GetProperty("field").GetString());
        Assert.Contains("'numbers'", RpcAssert.Message(error), StringComparison.Ordinal);
        Assert.DoesNotContain("must be an array", RpcAssert.Message(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subtract", """{"minuend": 42, "subtrahend": null}""", "subtrahend")]
    [InlineData("echo", """{"text": null}""", "text")]
    [InlineData("profile", """{"name": null}""", "name")]
    [InlineData("profile", """{"name": "a", "verbose": null}""", "verbose")]
    [InlineData("sum", """{"numbers": null}""", "numbers")]
    public async Task Bind_NullForANonNullableField_IsInvalidParamsNamingTheField(string method, string parameters, string field)
    {
        var error = await ErrorAsync(method, parameters);

        Assert.Equal($"Invalid params: field '{field}' must not be null.", RpcAssert.Message(error));
        Assert.Equal(field, RpcAssert.Data(error).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Bind_NullForNullableFields_IsAccepted()
    {
        var greet = await ResultAsync("greet", """{"name": null}""");
        var profile = await ResultAsync("profile", """{"name": "a", "limit": null, "tags": null, "extra": null}""");

        Assert.Equal("hello stranger", greet.GetString());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("limit").ValueKind);
        Assert.Equal(-1, profile.GetProperty("tagCount").GetInt32());
        Assert.Equal("Null", profile.GetProperty("extraKind").GetString());
    }

    [Theory]
    [InlineData("subtract", """{"minuend": 42}""", "subtrahend")]
    [InlineData("subtract", """{}""", "minuend")]
    [InlineData("echo", """{}""", "text")]
    [InlineData("profile", """{"limit": 5}""", "name")]
    public async Task Bind_MissingRequiredField_IsInvalidParamsNamingTheField(string method, string parameters, string field)
    {
        var error = await ErrorAsync(method, parameters);

        Assert.Equal($"Invalid params: missing required field '{field}'.", RpcAssert.Message(error));
        Assert.Equal(field, RpcAssert.Data(error).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Bind_AbsentOptionalFields_TakeTheirDefaults()
    {
        var profile = await ResultAsync("profile", """{"name": "ann"}""");
        var greet = await ResultAsync("greet", """{}""");

        Assert.Equal("ann", profile.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("limit").ValueKind);
        Assert.False(profile.GetProperty("verbose").GetBoolean());
        Assert.Equal(-1, profile.GetProperty("tagCount").GetInt32());
        Assert.Equal(0, profile.GetProperty("ratio").GetDouble());
        Assert.Equal("Undefined", profile.GetProperty("extraKind").GetString());
        Assert.Equal("hello stranger", greet.GetString());
    }

    [Fact]
    public async Task Bind_EveryField_ReachesTheHandler()
    {
        var profile = await ResultAsync(
            "profile", """{"name": "ann", "limit": 7, "verbose": true, "tags": ["a", "b"], "ratio": 0.25, "extra": {"any": [1]}}""");

        Assert.True(JsonElement.DeepEquals(
            JsonDocument.Parse("""{"name":"ann","limit":7,"verbose":true,"tagCount":2,"ratio":0.25,"extraKind":"Object"}""").RootElement,
            profile));
    }

    [Fact]
    public async Task Bind_AbsentParams_BindLikeAnEmptyObject()
    {
        var greet = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "greet", "id": 1}"""));
        var echo = RpcAssert.Single(await _harness.SendAsync("""{"jsonrpc": "2.0", "method": "echo", "id": 2}"""));

        RpcAssert.Result(greet, "1", "\"hello stranger\"");
        Assert.Equal("Invalid params: missing required field 'text'.", RpcAssert.Message(RpcAssert.Error(echo, "2", RpcErrorCodes.InvalidParams)));
    }

    [Fact]
    public async Task Bind_EmptyArray_IsAcceptedAsNoParams()
    {
        var greet = await ResultAsync("greet", "[]");
        var data = await ResultAsync("get_data", "[]");

        Assert.Equal("hello stranger", greet.GetString());
        Assert.Equal(2, data.GetArrayLength());
    }

    [Fact]
    public async Task Bind_NonEmptyArray_IsRefusedBecauseParamsGoByName()
    {
        var error = await ErrorAsync("greet", """["bob"]""");

        Assert.Equal("'greet' takes its params by name: send an object, not an array.", RpcAssert.Message(error));
        RpcAssert.NoData(error);
    }

    [Fact]
    public async Task Bind_FieldsSentToAMethodWithoutParams_AreUnknownFields()
    {
        var error = await ErrorAsync("get_data", """{"verbose": true}""");

        Assert.Equal("verbose", RpcAssert.Data(error).GetProperty("field").GetString());
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task Bind_EmptyObjectForAMethodWithoutParams_IsAccepted()
    {
        var data = await ResultAsync("get_data", "{}");

        Assert.Equal("""["hello",5]""", data.GetRawText());
    }

    private async Task<JsonElement> ErrorAsync(string method, string parameters)
    {
        var response = RpcAssert.Single(await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "params": {{parameters}}, "id": 1}"""));
        return RpcAssert.Error(response, "1", RpcErrorCodes.InvalidParams);
    }

    private async Task<JsonElement> ResultAsync(string method, string parameters)
    {
        var reply = await _harness.SendAsync($$"""{"jsonrpc": "2.0", "method": "{{method}}", "params": {{parameters}}, "id": 1}""");
        var response = RpcAssert.Single(reply);
        Assert.True(response.TryGetProperty("result", out var result), "expected a result, got " + response.GetRawText());
        Assert.Null(reply.SingleError);
        return result;
    }
}
