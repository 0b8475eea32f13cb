using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Validation;

/// <summary>
/// One compiled (sub)schema: every keyword it has, already parsed and checked. Built by <see cref="SchemaCompiler"/>
/// and never changed after <see cref="ToolParameterSchema.Parse"/> returns, so one tree validates concurrent calls.
/// </summary>
internal sealed class SchemaNode
{
    public SchemaNode(string location) => Location = location;

    /// <summary>Where this schema sits in the schema document (a JSON Pointer), for messages.</summary>
    public string Location { get; }

    /// <summary>For a boolean schema: true accepts everything, false nothing; null for an object schema.</summary>
    public bool? Constant { get; set; }

    public SchemaTypes Types { get; set; }

    public SchemaNode? Ref { get; set; }

    public JsonElement[]? Enum { get; set; }

    public bool HasConst { get; set; }

    public JsonElement Const { get; set; }

    public string? Format { get; set; }

    // Objects.
    public SchemaProperty[]? Properties { get; set; }

    public string[]? Required { get; set; }

    public SchemaNode? AdditionalProperties { get; set; }

    public SchemaPattern[]? PatternProperties { get; set; }

    public SchemaNode? PropertyNames { get; set; }

    public long? MinProperties { get; set; }

    public long? MaxProperties { get; set; }

    public SchemaDependentRequired[]? DependentRequired { get; set; }

    public SchemaProperty[]? DependentSchemas { get; set; }

    // Arrays.
    public SchemaNode[]? PrefixItems { get; set; }

    public SchemaNode? Items { get; set; }

    public SchemaNode? Contains { get; set; }

    public long? MinContains { get; set; }

    public long? MaxContains { get; set; }

    public long? MinItems { get; set; }

    public long? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    // Strings.
    public long? MinLength { get; set; }

    public long? MaxLength { get; set; }

    public SchemaPattern? Pattern { get; set; }

    // Numbers.
    public SchemaNumber? Minimum { get; set; }

    public SchemaNumber? Maximum { get; set; }

    public SchemaNumber? ExclusiveMinimum { get; set; }

    public SchemaNumber? ExclusiveMaximum { get; set; }

    public SchemaNumber? MultipleOf { get; set; }

    // Applicators.
    public SchemaNode[]? AllOf { get; set; }

    public SchemaNode[]? AnyOf { get; set; }

    public SchemaNode[]? OneOf { get; set; }

    public SchemaNode? Not { get; set; }

    public SchemaNode? If { get; set; }

    public SchemaNode? Then { get; set; }

    public SchemaNode? Else { get; set; }
}

/// <summary>The JSON types a <c>type</c> keyword allows (none set: no <c>type</c> keyword).</summary>
[Flags]
internal enum SchemaTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary>A property name and the schema its value must match.</summary>
internal sealed record SchemaProperty(string Name, SchemaNode Schema);

/// <summary>A compiled <c>pattern</c> (or <c>patternProperties</c> key), with its source text for messages.</summary>
internal sealed record SchemaPattern(string Source, Regex Regex, SchemaNode? Schema);

/// <summary>A <c>dependentRequired</c> entry: when <see cref="Name"/> is present, so must every one of <see cref="Required"/> be.</summary>
internal sealed record SchemaDependentRequired(string Name, string[] Required);
