using System.Text.Json;

namespace DataJoint;

/// <summary>
/// The untyped view of a codec, as the registry and <see cref="CodecChain"/> see it. Write codecs by deriving from
/// <see cref="Codec{TValue,TStored}"/> or <see cref="AsyncCodec{TValue,TStored}"/>; implement this directly only for
/// dynamic scenarios.
/// </summary>
public interface ICodec
{
    /// <summary>Name, dtypes per mode and types.</summary>
    CodecDescriptor Descriptor { get; }

    /// <summary>Checks a value before <see cref="EncodeAsync"/>; throws <see cref="DataJointException"/> if it is not acceptable.</summary>
    void Validate(object value);

    /// <summary>Encodes a value of <see cref="CodecDescriptor.ValueType"/> into a value of <see cref="CodecDescriptor.StoredType"/>.</summary>
    ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken);

    /// <summary>Decodes a stored value back into a value of <see cref="CodecDescriptor.ValueType"/>.</summary>
    ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Objects in stores this stored (encoded) value refers to, for garbage collection. Default: a JSON object with a
    /// <c>path</c> (and optional <c>store</c>) member; anything else refers to nothing.
    /// </summary>
    IReadOnlyList<StoredReference> ReferencedPaths(object? stored);
}

/// <summary>A store object referenced by a stored value: path relative to the store root, and store name (null: default).</summary>
public readonly record struct StoredReference(string Path, string? Store);

/// <summary>
/// Describes a codec: its name, its dtype per storage mode (null: mode not supported, with the error text to raise),
/// its class, and the .NET types it encodes from and to. Emitted by the source generator from <see cref="CodecAttribute"/>.
/// </summary>
public sealed record CodecDescriptor(
    string Name, Type CodecType, Type ValueType,
    [property: System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(BlobValueConverter.Constructs)]
    [param: System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(BlobValueConverter.Constructs)]
    Type StoredType,
    string? InTable, string? InStore, string? InTableError = null, string? InStoreError = null)
{
    /// <summary>The dtype for a storage mode; throws <see cref="DataJointException"/> with the codec's text if unsupported.</summary>
    public string GetDtype(bool inStore) =>
        ToInfo().GetDtype(inStore, out var error) ?? throw new DataJointException(error!);

    internal Shared.Codecs.CodecTypeInfo ToInfo() =>
        new(Name, InTable, InStore, InTableError, InStoreError,
            CodecTypeNames.Of(ValueType), CodecTypeNames.Of(StoredType), CodecTypeNames.Of(CodecType));
}

/// <summary>Default implementation of <see cref="ICodec.ReferencedPaths"/> (spec §4.1).</summary>
internal static class StoredReferences
{
    internal static IReadOnlyList<StoredReference> FromJson(object? stored)
    {
        try
        {
            JsonElement element;
            switch (stored)
            {
                case JsonElement e: element = e; break;
                case string s: element = JsonDocument.Parse(s).RootElement; break;
                case byte[] b: element = JsonDocument.Parse(b).RootElement; break;
                default: return [];
            }
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
            {
                string? store = element.TryGetProperty("store", out var s2) && s2.ValueKind == JsonValueKind.String ? s2.GetString() : null;
                return [new StoredReference(path.GetString()!, store)];
            }
        }
        catch (JsonException)
        {
            // Invalid JSON refers to nothing (as DataJoint does).
        }
        return [];
    }
}
