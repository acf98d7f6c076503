namespace DataJoint;

/// <summary>
/// Declares a codec: a <c>partial</c> class deriving from <see cref="Codec{TValue,TStored}"/> or
/// <see cref="AsyncCodec{TValue,TStored}"/>, usable as <c>&lt;name&gt;</c> (in-table) and <c>&lt;name@store&gt;</c>
/// (in-store) in table definitions. The source generator registers it (module initializer), describes it in an
/// assembly-level <see cref="Metadata.CodecManifestAttribute"/> so other projects see it at compile time, and checks its chain.
/// </summary>
/// <example>
/// <code>
/// [Codec("graph", InTable = "&lt;blob&gt;", InStore = "&lt;blob@&gt;")]
/// public sealed partial class GraphCodec : Codec&lt;Graph, GraphData&gt; { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class CodecAttribute : Attribute
{
    /// <summary>Declares a codec named <paramref name="name"/> (letters, digits, '_' and '-', starting with a letter or '_').</summary>
    public CodecAttribute(string name) => Name = name;

    /// <summary>The codec name used in definitions as <c>&lt;name&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The dtype for in-table storage (<c>&lt;name&gt;</c>): a core type (<c>bytes</c>, <c>json</c>, <c>varchar(64)</c>...)
    /// or another codec (<c>&lt;blob&gt;</c>). Null: the codec cannot be used without <c>@</c>.
    /// </summary>
    public string? InTable { get; set; }

    /// <summary>
    /// The dtype for in-store storage (<c>&lt;name@store&gt;</c>): usually <c>json</c> (the codec uploads and stores metadata)
    /// or another codec such as <c>&lt;blob@&gt;</c> / <c>&lt;hash&gt;</c> (which inherits the store). Null: store mode not supported.
    /// </summary>
    public string? InStore { get; set; }

    /// <summary>Optional error text used when the codec is used in-table but <see cref="InTable"/> is null.</summary>
    public string? InTableError { get; set; }

    /// <summary>Optional error text used when the codec is used with <c>@</c> but <see cref="InStore"/> is null.</summary>
    public string? InStoreError { get; set; }
}

/// <summary>
/// Overrides the dict key a property of a record stored through <c>&lt;blob&gt;</c> is packed under
/// (default: the property name). Python readers see a dict with these keys.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class BlobKeyAttribute : Attribute
{
    /// <summary>Packs the property under <paramref name="key"/>.</summary>
    public BlobKeyAttribute(string key) => Key = key;

    /// <summary>The dict key.</summary>
    public string Key { get; }
}
