using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DataJoint;

/// <summary>
/// How DataJoint turns .NET values into JSON and back (<c>json</c> columns, codecs chained to <c>json</c>, JSON-path
/// restrictions, <c>&lt;object@&gt;</c> metadata) without reflection where it can: the JSON types, primitives, strings,
/// dates, GUIDs, their arrays and lists, and string-keyed dictionaries are described by a source-generated context.
/// Other types are described by System.Text.Json's reflection, which trimmed and NativeAOT apps turn off
/// (<c>JsonSerializerIsReflectionEnabledByDefault</c>); such apps register a <see cref="JsonSerializerContext"/> for
/// their own types with <see cref="AddTypeInfoResolver"/>, before the first insert or fetch that needs them.
/// </summary>
public static class DataJointJson
{
    private static readonly object Gate = new();
    private static IJsonTypeInfoResolver[] _added = [];
    private static readonly IJsonTypeInfoResolver? Reflection = ReflectionResolver();

    /// <summary>Adds a resolver (typically <c>MyJsonContext.Default</c>) asked before DataJoint's own.</summary>
    public static void AddTypeInfoResolver(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (Gate) _added = [.. _added, resolver];
    }

    /// <summary>The resolver DataJoint's serializer options use: added resolvers, then DataJoint's context, then reflection where enabled.</summary>
    public static IJsonTypeInfoResolver Resolver { get; } = new Composite();

    /// <summary>Options with <see cref="Resolver"/> (System.Text.Json's defaults otherwise).</summary>
    internal static JsonSerializerOptions Options { get; } = new() { TypeInfoResolver = Resolver };

    /// <summary>The type information of <paramref name="type"/> in <paramref name="options"/>; raises a message naming the remedy.</summary>
    /// <exception cref="NotSupportedException">No resolver describes the type (reflection off in a trimmed or NativeAOT app).</exception>
    internal static JsonTypeInfo TypeInfo(Type type, JsonSerializerOptions? options = null)
    {
        try
        {
            return (options ?? Options).GetTypeInfo(type);
        }
        catch (NotSupportedException e) when (Reflection is null)
        {
            throw new NotSupportedException(
                $"{CodecTypeNames.Of(type)} has no JSON type information: this app turns System.Text.Json reflection off (trimmed or NativeAOT). " +
                $"Register a JsonSerializerContext with [JsonSerializable(typeof({CodecTypeNames.Of(type)}))] through DataJointJson.AddTypeInfoResolver.", e);
        }
    }

    /// <summary>Serializes a value as its run-time type.</summary>
    internal static string Serialize(object value, JsonSerializerOptions? options = null) =>
        JsonSerializer.Serialize(value, TypeInfo(value.GetType(), options));

    [UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "Created only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch the SDK turns off in trimmed and NativeAOT apps, whose trimmer then removes this branch.")]
    [UnconditionalSuppressMessage("AOT", "IL3050",
        Justification = "Created only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch the SDK turns off in trimmed and NativeAOT apps, whose trimmer then removes this branch.")]
    private static IJsonTypeInfoResolver? ReflectionResolver() =>
        JsonSerializer.IsReflectionEnabledByDefault ? new DefaultJsonTypeInfoResolver() : null;

    private sealed class Composite : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            foreach (var r in _added)
                if (r.GetTypeInfo(type, options) is { } info) return info;
            return ((IJsonTypeInfoResolver)DataJointJsonContext.Default).GetTypeInfo(type, options)
                   ?? Reflection?.GetTypeInfo(type, options);
        }
    }
}

/// <summary>The JSON types DataJoint serializes without reflection.</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonDocument))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonValue))]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(sbyte))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(DateOnly))]
[JsonSerializable(typeof(TimeOnly))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(List<object?>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(List<double>))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, object?>))]
[JsonSerializable(typeof(IDictionary<string, object?>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
[JsonSerializable(typeof(Dictionary<string, bool>))]
internal sealed partial class DataJointJsonContext : JsonSerializerContext;
