namespace DataJoint;

/// <summary>
/// The value kind of a column as DataJoint sees it: the core type from the column comment marker when there is one,
/// otherwise the native SQL type. Decides the .NET type a fetched value has and which values an insert accepts.
/// </summary>
public enum AttributeKind
{
    /// <summary><c>int8</c> / <c>tinyint</c> → <see cref="sbyte"/>.</summary>
    Int8,
    /// <summary><c>int16</c> / <c>smallint</c> → <see cref="short"/>.</summary>
    Int16,
    /// <summary><c>int32</c> / <c>int</c> / <c>mediumint</c> → <see cref="int"/>.</summary>
    Int32,
    /// <summary><c>int64</c> / <c>bigint</c> → <see cref="long"/>.</summary>
    Int64,
    /// <summary>native <c>tinyint unsigned</c> → <see cref="byte"/>.</summary>
    UInt8,
    /// <summary>native <c>smallint unsigned</c> → <see cref="ushort"/>.</summary>
    UInt16,
    /// <summary>native <c>int unsigned</c> / <c>mediumint unsigned</c> → <see cref="uint"/>.</summary>
    UInt32,
    /// <summary>native <c>bigint unsigned</c> → <see cref="ulong"/>.</summary>
    UInt64,
    /// <summary><c>float32</c> / <c>float</c> → <see cref="float"/>.</summary>
    Float32,
    /// <summary><c>float64</c> / <c>double</c> → <see cref="double"/>.</summary>
    Float64,
    /// <summary><c>decimal(p,s)</c> / <c>numeric</c> → <see cref="decimal"/>.</summary>
    Decimal,
    /// <summary><c>bool</c> (stored as <c>tinyint</c>) → <see cref="bool"/>.</summary>
    Bool,
    /// <summary><c>uuid</c> (stored as <c>binary(16)</c>, RFC 4122 big-endian bytes) → <see cref="Guid"/>.</summary>
    Uuid,
    /// <summary><c>json</c> → <see cref="System.Text.Json.JsonElement"/>.</summary>
    Json,
    /// <summary><c>bytes</c> and native blobs → <see cref="byte"/>[].</summary>
    Bytes,
    /// <summary><c>date</c> → <see cref="DateOnly"/>.</summary>
    Date,
    /// <summary><c>datetime[(n)]</c> / <c>timestamp</c> → <see cref="DateTime"/>.</summary>
    DateTime,
    /// <summary>native <c>time</c> → <see cref="TimeSpan"/>.</summary>
    Time,
    /// <summary><c>char(n)</c>, <c>varchar(n)</c>, native text → <see cref="string"/>.</summary>
    String,
    /// <summary><c>enum(...)</c> → <see cref="string"/> (one of the listed values).</summary>
    Enum,
    /// <summary>A native type DataJoint does not interpret (e.g. <c>year</c>, <c>bit</c>): the driver's value.</summary>
    Other,
}
