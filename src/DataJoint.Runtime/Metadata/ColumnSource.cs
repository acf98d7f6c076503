using System.Data.Common;

namespace DataJoint.Metadata;

/// <summary>
/// The values a generated <c>ReadRow</c>/<c>ReadKey</c> builds its record from, by attribute position (the order of
/// <see cref="TableMetadata.Attributes"/>): the current row of a data reader whose columns are those attributes in that
/// order (core columns read straight into the property's type by <see cref="TypedColumns"/>, no boxing; codec columns
/// decoded in place through the table's codec plan), or a fetched dynamic <see cref="Row"/> (values decoded by the codec
/// chain). One generated mapper serves both.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct ColumnSource
{
    private readonly DbDataReader? _reader;
    private readonly FetchColumns? _columns;
    private readonly Row? _row;
    private readonly int[]? _ordinals;
    private readonly string[] _names;

    /// <summary>
    /// Columns 0..n-1 of the reader's current row are the attributes of <paramref name="columns"/> (codec columns are
    /// decoded in place: their chains decode without I/O).
    /// </summary>
    internal ColumnSource(DbDataReader reader, FetchColumns columns)
    {
        _reader = reader;
        _columns = columns;
        _names = columns.Names;
    }

    /// <summary>The attributes <paramref name="names"/> of a fetched row (positions looked up once per fetch).</summary>
    internal ColumnSource(Row row, string[] names)
    {
        _row = row;
        _ordinals = row.Shape.OrdinalsOf(names);
        _names = names;
    }

    /// <summary>
    /// Attribute <paramref name="index"/> as <typeparamref name="T"/> for a non-nullable property: SQL NULL or a value of
    /// another type raises a <see cref="DataJointException"/> naming the attribute.
    /// </summary>
    public T Read<T>(int index) => _reader is { } reader && _columns!.Codecs[index] is null
        ? TypedColumns.ReadAt<T>(reader, index, _names)
        : TypedValues.Convert<T>(Value(index), _names[index], nullable: false);

    /// <summary>As <see cref="Read{T}"/> for a nullable property: SQL NULL gives null.</summary>
    public T ReadOrNull<T>(int index) => _reader is { } reader && _columns!.Codecs[index] is null
        ? TypedColumns.ReadOrNull<T>(reader, index)
        : TypedValues.Convert<T>(Value(index), _names[index], nullable: true);

    private object? Value(int index)
    {
        if (_reader is { } reader) return _columns!.Read(reader, index);
        var ordinal = _ordinals![index];
        return ordinal >= 0
            ? _row!.ValueAt(ordinal)
            : throw new DataJointException($"`{_names[index]}` is not in the fetched row ({string.Join(", ", _row!.Keys)})");
    }
}
