namespace DataJoint.Metadata;

/// <summary>
/// Emitted by the source generator, once per codec, on the assembly that declares it. Lets the generator of a project
/// that references this assembly see its codecs (name, type, dtypes, value and stored types) at compile time
/// without walking types. Not meant to be written by hand.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class CodecManifestAttribute : Attribute
{
    /// <summary>Describes one codec of this assembly.</summary>
    public CodecManifestAttribute(string name, Type codecType, Type valueType, Type storedType)
    {
        Name = name;
        CodecType = codecType;
        ValueType = valueType;
        StoredType = storedType;
    }

    /// <summary>Codec name.</summary>
    public string Name { get; }

    /// <summary>The codec class.</summary>
    public Type CodecType { get; }

    /// <summary>Type of values the codec encodes.</summary>
    public Type ValueType { get; }

    /// <summary>Type its encoder returns.</summary>
    public Type StoredType { get; }

    /// <summary>In-table dtype, or null if not supported.</summary>
    public string? InTable { get; set; }

    /// <summary>In-store dtype, or null if not supported.</summary>
    public string? InStore { get; set; }

    /// <summary>Error text when used in-table without support.</summary>
    public string? InTableError { get; set; }

    /// <summary>Error text when used with <c>@</c> without support.</summary>
    public string? InStoreError { get; set; }
}

