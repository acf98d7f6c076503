namespace DataJoint.Metadata;

/// <summary>
/// Implemented by the source generator on every <c>[Table]</c> class whose definition parses: the mappers between the
/// generated <c>Row</c>/<c>Key</c> records and the values of the dynamic API, in heading order. Not meant to be
/// implemented by hand; use <see cref="TypedTable{TTable, TRow, TKey}"/>.
/// </summary>
/// <typeparam name="TSelf">The table class.</typeparam>
/// <typeparam name="TRow">Its generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">Its generated <c>Key</c> record (primary-key attributes).</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface ITypedTable<TSelf, TRow, TKey> : DataJoint.Metadata.ITableClass
    where TSelf : UserTable, ITypedTable<TSelf, TRow, TKey>
    where TRow : class
    where TKey : class
{
    /// <summary>SQL attribute names of <typeparamref name="TRow"/>, in heading order.</summary>
    static abstract IReadOnlyList<string> RowAttributes { get; }

    /// <summary>SQL attribute names of <typeparamref name="TKey"/>, in heading order.</summary>
    static abstract IReadOnlyList<string> KeyAttributes { get; }

    /// <summary>Writes the row's values into <paramref name="values"/> in <see cref="RowAttributes"/> order.</summary>
    static abstract void WriteRow(TRow row, object?[] values);

    /// <summary>Writes the key's values into <paramref name="values"/> in <see cref="KeyAttributes"/> order.</summary>
    static abstract void WriteKey(TKey key, object?[] values);

    /// <summary>Builds a typed row from a fetched dynamic row (values already decoded by the codec chain).</summary>
    static abstract TRow ReadRow(Row row);

    /// <summary>
    /// Builds a typed row from the current row of a data reader whose columns are <see cref="RowAttributes"/> in that
    /// order (used when no attribute has a codec), through <see cref="TypedColumns"/>.
    /// </summary>
    static abstract TRow ReadRow(System.Data.Common.DbDataReader reader);

    /// <summary>Builds a typed key from a fetched dynamic row holding at least the primary key.</summary>
    static abstract TKey ReadKey(Row row);

    /// <summary>The SQL attribute name of a <typeparamref name="TRow"/> property, or null.</summary>
    static abstract string? AttributeOf(string propertyName);
}

