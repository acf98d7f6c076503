using System.Data.Common;

namespace DataJoint;

/// <summary>Where fetched <see cref="Row"/>s keep their values: a row is its store and its index in it.</summary>
internal abstract class RowStore(RowShape shape)
{
    /// <summary>The names and index shared by the rows of one fetch.</summary>
    public RowShape Shape { get; } = shape;

    /// <summary>The value of column <paramref name="ordinal"/> in row <paramref name="row"/> (null for SQL NULL).</summary>
    public abstract object? Get(int ordinal, int row);
}

/// <summary>The values of one row (a streamed row: it holds no other row's values).</summary>
internal sealed class RowValues(RowShape shape, object?[] values) : RowStore(shape)
{
    public override object? Get(int ordinal, int row) => values[ordinal];
}

/// <summary>
/// Consecutive rows of one fetch, stored by column: an <c>int32</c> column is an <c>int[]</c>, a <c>float64</c> column a
/// <c>double[]</c>. A fetched list's <see cref="Row"/>s point into their block, so a row costs its <see cref="Row"/>
/// object and its values' slots — no value array and no box per number (a number is boxed when it is read from the row).
/// </summary>
internal sealed class RowBlock : RowStore
{
    private readonly BlockColumn[] _columns;

    public RowBlock(RowShape shape, ColumnReader[] readers, int capacity) : base(shape)
    {
        Capacity = capacity;
        _columns = new BlockColumn[readers.Length];
        for (var i = 0; i < readers.Length; i++) _columns[i] = readers[i].NewColumn(capacity);
    }

    /// <summary>How many rows the block holds at most.</summary>
    public int Capacity { get; }

    /// <summary>How many rows the block holds.</summary>
    public int Count { get; private set; }

    /// <summary>Reads the reader's current row (stored values, before any codec) into the next slot; returns its index.</summary>
    public int Add(DbDataReader reader)
    {
        var row = Count++;
        for (var i = 0; i < _columns.Length; i++) _columns[i].Read(reader, i, row);
        return row;
    }

    /// <inheritdoc />
    public override object? Get(int ordinal, int row) => _columns[ordinal].Get(row);

    /// <summary>Replaces the value of a codec column (its decoded value); <see cref="BlockColumn{T}"/> of <c>object</c> only.</summary>
    public void Set(int ordinal, int row, object? value) => _columns[ordinal].Set(row, value);
}

/// <summary>One column of a <see cref="RowBlock"/>.</summary>
internal abstract class BlockColumn
{
    /// <summary>Reads column <paramref name="ordinal"/> of the reader's current row into slot <paramref name="row"/>.</summary>
    public abstract void Read(DbDataReader reader, int ordinal, int row);

    /// <summary>The value in slot <paramref name="row"/> (boxed for a value type; null for SQL NULL).</summary>
    public abstract object? Get(int row);

    /// <summary>Replaces the value in slot <paramref name="row"/>.</summary>
    public abstract void Set(int row, object? value);
}

/// <summary>A column of <typeparamref name="T"/> values; SQL NULLs are flagged beside them (the flags exist once a NULL is read).</summary>
internal sealed class BlockColumn<T>(Func<DbDataReader, int, T> read, int capacity) : BlockColumn
{
    private readonly T[] _values = new T[capacity];
    private bool[]? _nulls;

    public override void Read(DbDataReader reader, int ordinal, int row)
    {
        if (reader.IsDBNull(ordinal)) (_nulls ??= new bool[_values.Length])[row] = true;
        else _values[row] = read(reader, ordinal);
    }

    public override object? Get(int row) => _nulls is { } nulls && nulls[row] ? null : _values[row];

    public override void Set(int row, object? value)
    {
        if (value is null)
        {
            (_nulls ??= new bool[_values.Length])[row] = true;
            return;
        }
        _values[row] = (T)value;
        if (_nulls is { } nulls) nulls[row] = false;
    }
}
