namespace DataJoint.Metadata;

/// <summary>
/// Implemented by the source generator on every <c>[Table]</c> class whose definition parses: the mappers between the
/// generated <c>Row</c>/<c>Key</c> records and the values of the dynamic API, by position in
/// <see cref="TableMetadata.Attributes"/> (the key is its first <see cref="TableMetadata.KeyCount"/> attributes). Not meant
/// to be implemented by hand; use <see cref="TypedTable{TTable, TRow, TKey}"/>.
/// </summary>
/// <typeparam name="TSelf">The table class.</typeparam>
/// <typeparam name="TRow">Its generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">Its generated <c>Key</c> record (primary-key attributes).</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface ITypedTable<TSelf, TRow, TKey> : ITableClass
    where TSelf : UserTable, ITypedTable<TSelf, TRow, TKey>
    where TRow : class
    where TKey : class
{
    /// <summary>Writes the row's values into <paramref name="values"/> in <see cref="TableMetadata.Attributes"/> order.</summary>
    static abstract void WriteRow(TRow row, object?[] values);

    /// <summary>Writes the key's values into <paramref name="values"/> in key order (the first attributes).</summary>
    static abstract void WriteKey(TKey key, object?[] values);

    /// <summary>Builds a typed row from the attributes of a data reader's row or of a fetched dynamic row.</summary>
    static abstract TRow ReadRow(ColumnSource source);

    /// <summary>Builds a typed key from the key attributes of a data reader's row or of a fetched dynamic row.</summary>
    static abstract TKey ReadKey(ColumnSource source);
}
