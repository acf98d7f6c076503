using DataJoint.Metadata;

namespace DataJoint;

/// <summary>
/// Common base of <see cref="Codec{TValue,TStored}"/> and <see cref="AsyncCodec{TValue,TStored}"/>. Its
/// <see cref="Descriptor"/> is implemented by the source generator in the codec's <c>partial</c> class.
/// </summary>
/// <typeparam name="TValue">The .NET type users insert and fetch.</typeparam>
/// <typeparam name="TStored">The type <c>Encode</c> returns: what the next codec of the chain (or the column) receives.</typeparam>
public abstract class CodecBase<TValue, TStored> : ICodec, IRecordMapperSource
{
    BlobRecordMapper? IRecordMapperSource.RecordMapper => StoredRecordMapper;

    /// <summary>Name, dtypes per mode and types (generated from <see cref="CodecAttribute"/>).</summary>
    public CodecDescriptor Descriptor => CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator();

    /// <summary>
    /// Implemented by the DataJoint source generator in the codec's <c>partial</c> class: the descriptor built from its
    /// <see cref="CodecAttribute"/>. The name is the message: when the class is not <c>partial</c>, or its project
    /// references the runtime without the generator (a <c>ProjectReference</c> or DLL reference without
    /// <c>OutputItemType="Analyzer"</c>), the compiler's CS0534 names this member and so says what to fix.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    protected abstract CodecDescriptor CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator();

    /// <summary>The codec name.</summary>
    public string Name => Descriptor.Name;

    /// <summary>
    /// Maps <typeparamref name="TStored"/> to and from a blob dict when this codec chains to <c>&lt;blob&gt;</c>
    /// (generated for record types; null otherwise).
    /// </summary>
    protected virtual BlobRecordMapper? StoredRecordMapper => null;

    /// <summary>Checks a value before it is encoded (insert only; only the outermost codec's check runs). Default: accepts all.</summary>
    /// <exception cref="DataJointException">The value is not acceptable.</exception>
    protected virtual void Validate(TValue value) { }

    /// <summary>Store objects a stored value refers to (for garbage collection). Default: the <c>path</c>/<c>store</c> of JSON metadata.</summary>
    public virtual IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => StoredReferences.FromJson(stored);

    /// <summary>Typed encode used by the untyped seam.</summary>
    private protected abstract ValueTask<TStored> EncodeCoreAsync(TValue value, EncodeContext context, CancellationToken cancellationToken);

    /// <summary>Typed decode used by the untyped seam.</summary>
    private protected abstract ValueTask<TValue> DecodeCoreAsync(TStored stored, DecodeContext context, CancellationToken cancellationToken);

    void ICodec.Validate(object value) => Validate(Cast<TValue>(value, "validate"));

    async ValueTask<object?> ICodec.EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken) =>
        await EncodeCoreAsync(Cast<TValue>(value, "encode"), context, cancellationToken).ConfigureAwait(false);

    async ValueTask<object?> ICodec.DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken) =>
        await DecodeCoreAsync(Cast<TStored>(stored, "decode"), context, cancellationToken).ConfigureAwait(false);

    private protected T Cast<T>(object value, string operation) => value is T t
        ? t
        : throw new DataJointException(
            $"Codec <{Name}> cannot {operation} a value of type {CodecTypeNames.Of(value.GetType())}: it expects {CodecTypeNames.Of(typeof(T))}.");
}

/// <summary>
/// A codec with synchronous encode/decode (no I/O): value type <typeparamref name="TValue"/> is stored as
/// <typeparamref name="TStored"/>, which the next codec of the chain (its dtype) or the column receives.
/// Declare it with <see cref="CodecAttribute"/> on a <c>partial</c> class.
/// </summary>
public abstract class Codec<TValue, TStored> : CodecBase<TValue, TStored>, ISyncCodec
{
    /// <summary>Encodes a value for the next link of the chain.</summary>
    protected abstract TStored Encode(TValue value, EncodeContext context);

    /// <summary>Decodes what the next link of the chain returned.</summary>
    protected abstract TValue Decode(TStored stored, DecodeContext context);

    private protected sealed override ValueTask<TStored> EncodeCoreAsync(TValue value, EncodeContext context, CancellationToken cancellationToken) =>
        new(Encode(value, context));

    private protected sealed override ValueTask<TValue> DecodeCoreAsync(TStored stored, DecodeContext context, CancellationToken cancellationToken) =>
        new(Decode(stored, context));

    object? ISyncCodec.Decode(object stored, DecodeContext context) => Decode(Cast<TStored>(stored, "decode"), context);
}

/// <summary>
/// A codec whose encode/decode do I/O (uploads to and downloads from object stores through
/// <see cref="EncodeContext.GetStore"/>). Declare it with <see cref="CodecAttribute"/> on a <c>partial</c> class.
/// </summary>
public abstract class AsyncCodec<TValue, TStored> : CodecBase<TValue, TStored>
{
    /// <summary>Encodes (and uploads) a value.</summary>
    protected abstract ValueTask<TStored> EncodeAsync(TValue value, EncodeContext context, CancellationToken cancellationToken);

    /// <summary>Decodes (and downloads) a stored value.</summary>
    protected abstract ValueTask<TValue> DecodeAsync(TStored stored, DecodeContext context, CancellationToken cancellationToken);

    private protected sealed override ValueTask<TStored> EncodeCoreAsync(TValue value, EncodeContext context, CancellationToken cancellationToken) =>
        EncodeAsync(value, context, cancellationToken);

    private protected sealed override ValueTask<TValue> DecodeCoreAsync(TStored stored, DecodeContext context, CancellationToken cancellationToken) =>
        DecodeAsync(stored, context, cancellationToken);
}

/// <summary>Readable C#-style type names for messages and for the shared chain resolver.</summary>
internal static class CodecTypeNames
{
    internal static string Of(Type t)
    {
        if (t.IsArray) return Of(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t == typeof(object)) return "object";
        if (t == typeof(string)) return "string";
        if (t == typeof(byte)) return "byte";
        if (t == typeof(int)) return "int";
        if (t == typeof(long)) return "long";
        if (t == typeof(double)) return "double";
        if (t == typeof(float)) return "float";
        if (t == typeof(bool)) return "bool";
        if (t.IsGenericType)
        {
            var name = (t.FullName ?? t.Name);
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            var bare = (tick >= 0 ? name[..tick] : name).Replace('+', '.');
            return bare + "<" + string.Join(", ", t.GetGenericArguments().Select(Of)) + ">";
        }
        return (t.FullName ?? t.Name).Replace('+', '.');
    }
}

/// <summary>Lets the registry pick up a codec's generated record mapper.</summary>
internal interface IRecordMapperSource
{
    BlobRecordMapper? RecordMapper { get; }
}
