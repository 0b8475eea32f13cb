using System.Text.Json;
using Microsoft.Extensions.AI;

namespace OpenClaw.Agents.Runtime;

/// <summary>
/// A tool as the model is offered it: name, description and the tool's own JSON Schema. Written here rather than taken
/// from <c>AIFunctionFactory</c>, whose reflection-based function machinery NativeAOT would otherwise keep in the binary.
/// </summary>
internal sealed class ToolDeclaration(string name, string description, JsonElement schema) : AIFunctionDeclaration
{
    public override string Name { get; } = name;

    public override string Description { get; } = description;

    public override JsonElement JsonSchema { get; } = schema;
}
