using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace DataJoint;

/// <summary>
/// Turns what a codec threw into the exception the user sees: one that says which schema, table, attribute and codec
/// failed and on what kind of value. <see cref="CodecChain"/> calls it at each place it hands a value to a codec.
/// </summary>
internal static class CodecFailure
{
    /// <summary>
    /// Rethrows <paramref name="error"/>, which <paramref name="codec"/> threw while doing <paramref name="operation"/>
    /// to <paramref name="value"/>: a cancellation unchanged; a specific <see cref="DataJointException"/> (a store or
    /// database failure, a <see cref="CodecException"/> from a nested chain) with its original type and stack, located
    /// at the attribute; anything else wrapped in a <see cref="CodecException"/>.
    /// </summary>
    [DoesNotReturn]
    public static void Throw(Exception error, CodecChain chain, ICodec codec, CodecOperation operation, object? value,
        string? schema, string? table, string? attribute, string? store)
    {
        if (error is OperationCanceledException) ExceptionDispatchInfo.Capture(error).Throw();
        if (error is DataJointException dj && KeepsItsType(dj))
        {
            dj.Locate(schema, table, attribute, store);
            ExceptionDispatchInfo.Capture(error).Throw();
        }
        throw Create(chain, codec.Descriptor.Name, operation, value?.GetType(), schema, table, attribute, store,
            Describe(operation, codec.Descriptor.Name, value?.GetType()) + ": " + error.Message, error);
    }

    /// <summary>A failure the chain itself finds between its codecs (a codec returned a value the next one cannot take).</summary>
    public static CodecException Create(CodecChain chain, string codec, CodecOperation operation, Type? valueType,
        string? schema, string? table, string? attribute, string? store, string what, Exception? inner = null) =>
        new(Where(chain.Spec == "<" + codec + ">" ? null : chain.Spec, schema, table, attribute) + what, inner)
        {
            Schema = schema, Table = table, Attribute = attribute, Store = store, Codec = codec, Chain = chain.Spec,
            ValueType = valueType, Operation = operation,
        };

    /// <summary>
    /// True when an exception already says what kind of failure it is (any subtype: a store timeout stays transient)
    /// or was located at an attribute; a plain <see cref="DataJointException"/> a codec throws gets wrapped.
    /// </summary>
    private static bool KeepsItsType(DataJointException ex) => ex.GetType() != typeof(DataJointException) || ex.Attribute is not null;

    /// <summary>"Attribute 'a' of table `s`.`t` (&lt;chain&gt;): " with what is known (the chain only when it is more than the failing codec).</summary>
    private static string Where(string? chain, string? schema, string? table, string? attribute)
    {
        var where = (attribute, table) switch
        {
            (not null, not null) when string.IsNullOrEmpty(schema) => $"Attribute '{attribute}' of table `{table}`",
            (not null, not null) => $"Attribute '{attribute}' of table `{schema}`.`{table}`",
            (not null, null) => $"Attribute '{attribute}'",
            _ => "",
        };
        if (chain is not null) where = where.Length == 0 ? chain : $"{where} ({chain})";
        return where.Length == 0 ? "" : where + ": ";
    }

    private static string Describe(CodecOperation operation, string codec, Type? valueType)
    {
        var type = valueType is null ? "a value" : "a value of type " + CodecTypeNames.Of(valueType);
        return operation switch
        {
            CodecOperation.Validate => $"codec <{codec}> rejected {type}",
            CodecOperation.Encode => $"codec <{codec}> could not encode {type}",
            _ => $"codec <{codec}> could not decode {(valueType is null ? "a stored value" : "a stored value of type " + CodecTypeNames.Of(valueType))}",
        };
    }
}
