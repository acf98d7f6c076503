namespace DataJoint;

/// <summary>What a codec was doing when it failed.</summary>
public enum CodecOperation
{
    /// <summary>Checking a value before it is encoded (the outermost codec's <c>Validate</c>).</summary>
    Validate,
    /// <summary>Encoding a value for the column or the store (insert, update).</summary>
    Encode,
    /// <summary>Decoding a stored value (fetch).</summary>
    Decode,
}

/// <summary>
/// A codec failed to validate, encode or decode a value. <see cref="DataJointException.Schema"/>,
/// <see cref="DataJointException.Table"/> and <see cref="DataJointException.Attribute"/> say where, <see cref="Codec"/>
/// which codec of the attribute's chain, <see cref="ValueType"/> the .NET type of the value that codec was given; the
/// codec's own exception is the <see cref="Exception.InnerException"/>.
/// </summary>
/// <remarks>
/// Failures that already are a specific <see cref="DataJointException"/> — a store that cannot be reached
/// (<see cref="StoreException"/>), a lost connection — keep their type (and <see cref="DataJointException.IsTransient"/>)
/// and only get the schema, table and attribute filled in; everything else a codec throws becomes a
/// <see cref="CodecException"/>.
/// </remarks>
public sealed class CodecException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public CodecException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>The codec that failed, as the chain names it (e.g. <c>blob</c>), when known.</summary>
    public string? Codec { get; init; }

    /// <summary>The attribute's whole codec chain as declared, e.g. <c>&lt;graph@main&gt;</c>, when known.</summary>
    public string? Chain { get; init; }

    /// <summary>The .NET type of the value the failing codec was given (the user's value when validating or encoding with the outermost codec; the stored value when decoding).</summary>
    public Type? ValueType { get; init; }

    /// <summary>What the codec was doing.</summary>
    public CodecOperation Operation { get; init; }
}
