namespace DataJoint.Metadata;

/// <summary>
/// Converts a record stored through <c>&lt;blob&gt;</c> to and from a blob dict (keys = property names or
/// <see cref="BlobKeyAttribute"/> keys), so Python readers see a dict. The source generator emits one per codec whose
/// stored type is a record and whose chain continues with <c>&lt;blob&gt;</c>; there is no reflection per row.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public abstract class BlobRecordMapper
{
    /// <summary>The record type mapped.</summary>
    public abstract Type RecordType { get; }

    internal abstract IReadOnlyDictionary<string, object?> ToDictionaryObject(object record);

    internal abstract object FromDictionaryObject(IReadOnlyDictionary<string, object?> dictionary);
}

/// <summary>Typed <see cref="BlobRecordMapper"/>; generated code derives from it.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public abstract class BlobRecordMapper<T> : BlobRecordMapper where T : notnull
{
    /// <inheritdoc/>
    public sealed override Type RecordType => typeof(T);

    /// <summary>Record → dict.</summary>
    public abstract IReadOnlyDictionary<string, object?> ToDictionary(T record);

    /// <summary>Dict → record.</summary>
    public abstract T FromDictionary(IReadOnlyDictionary<string, object?> dictionary);

    internal sealed override IReadOnlyDictionary<string, object?> ToDictionaryObject(object record) => ToDictionary((T)record);

    internal sealed override object FromDictionaryObject(IReadOnlyDictionary<string, object?> dictionary) => FromDictionary(dictionary);

    /// <summary>Reads key <paramref name="key"/> as <typeparamref name="TField"/>, converting blob values (e.g. long → int, list → array).</summary>
    protected static TField Field<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(BlobValueConverter.Constructs)] TField>(IReadOnlyDictionary<string, object?> dictionary, string key)
    {
        if (!dictionary.TryGetValue(key, out var raw))
        {
            throw new DataJointException($"Cannot map blob dict to {CodecTypeNames.Of(typeof(T))}: key '{key}' is missing (keys: {string.Join(", ", dictionary.Keys)}).");
        }
        try
        {
            return (TField)BlobValueConverter.Convert(raw, typeof(TField))!;
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or DataJointException)
        {
            throw new DataJointException(
                $"Cannot map blob dict to {CodecTypeNames.Of(typeof(T))}: key '{key}' holds {(raw is null ? "null" : CodecTypeNames.Of(raw.GetType()))}, expected {CodecTypeNames.Of(typeof(TField))}.", e);
        }
    }
}

