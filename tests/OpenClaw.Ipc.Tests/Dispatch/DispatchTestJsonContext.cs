using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenClaw.Ipc.Tests.Dispatch;

/// <summary><c>subtract {minuend, subtrahend}</c>: the specification's named-params example.</summary>
internal sealed record SubtractParams(int Minuend, int Subtrahend);

/// <summary><c>sum {numbers}</c>.</summary>
internal sealed record SumParams(IReadOnlyList<long> Numbers);

/// <summary><c>update {values}</c>, called as a notification.</summary>
internal sealed record UpdateParams(IReadOnlyList<int> Values);

/// <summary><c>notify_hello {value}</c>, called as a notification.</summary>
internal sealed record HelloParams(int Value);

/// <summary><c>echo {text}</c>.</summary>
internal sealed record EchoParams(string Text);

/// <summary><c>greet {name?}</c>: an optional, nullable constructor parameter.</summary>
internal sealed record GreetParams(string? Name = null);

/// <summary><c>profile</c>: init properties, one required, of every kind a field error can name.</summary>
internal sealed record ProfileParams
{
    public required string Name { get; init; }

    public int? Limit { get; init; }

    public bool Verbose { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public double Ratio { get; init; }

    public JsonElement Extra { get; init; }
}

/// <summary>What <c>profile</c> saw, so a test can check the binding.</summary>
internal sealed record ProfileResult(string Name, int? Limit, bool Verbose, int TagCount, double Ratio, string ExtraKind);

/// <summary>Who the handler saw as the caller.</summary>
internal sealed record WhoAmIResult(string? Subject, string? Role, string Method, bool IsNotification);

/// <summary>A result whose serialization fails half-way: the first property is written, the second throws.</summary>
internal sealed class HalfSerializable
{
    private readonly string _first = "written";

    public string First => _first;

    public string Second => throw new InvalidOperationException("getter failed with detail " + _first);
}

/// <summary>Source-generated JSON for the test methods, with the same options as the dispatcher's own context.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SubtractParams))]
[JsonSerializable(typeof(SumParams))]
[JsonSerializable(typeof(UpdateParams))]
[JsonSerializable(typeof(HelloParams))]
[JsonSerializable(typeof(EchoParams))]
[JsonSerializable(typeof(GreetParams))]
[JsonSerializable(typeof(ProfileParams))]
[JsonSerializable(typeof(ProfileResult))]
[JsonSerializable(typeof(WhoAmIResult))]
[JsonSerializable(typeof(HalfSerializable))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
internal sealed partial class DispatchTestJsonContext : JsonSerializerContext;
