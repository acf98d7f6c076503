namespace DataJoint;

/// <summary>
/// A MATLAB sparse matrix (<c>P</c>, written by mym only; DataJoint Python cannot read it) in
/// compressed-sparse-column form: for column <c>j</c>, the stored entries are
/// <c>ColumnStarts[j] .. ColumnStarts[j+1]-1</c>, with zero-based rows in <see cref="RowIndices"/>.
/// Slots past <c>ColumnStarts[Columns]</c> (up to <c>nzmax</c>) are padding and are kept for byte-exact
/// re-encoding. MATLAB sparse matrices are double (optionally complex) or logical.
/// </summary>
public sealed class SparseMatrix : IEquatable<SparseMatrix>
{
    private readonly long[] _columnStarts;
    private readonly long[] _rowIndices;

    /// <summary>A double (optionally complex) sparse matrix.</summary>
    public SparseMatrix(int rows, int columns, long[] columnStarts, long[] rowIndices, double[] values, double[]? imaginary = null)
        : this(rows, columns, columnStarts, rowIndices, values, imaginary, BlobClass.Double)
    {
    }

    /// <summary>A logical sparse matrix.</summary>
    public SparseMatrix(int rows, int columns, long[] columnStarts, long[] rowIndices, bool[] values)
        : this(rows, columns, columnStarts, rowIndices, values, null, BlobClass.Logical)
    {
    }

    private SparseMatrix(int rows, int columns, long[] columnStarts, long[] rowIndices, Array values, double[]? imaginary, BlobClass cls)
    {
        ArgumentNullException.ThrowIfNull(columnStarts);
        ArgumentNullException.ThrowIfNull(rowIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (Validate(rows, columns, columnStarts, rowIndices, values.Length, imaginary?.Length) is { } problem)
            throw new ArgumentException(problem);
        Rows = rows;
        Columns = columns;
        _columnStarts = columnStarts;
        _rowIndices = rowIndices;
        Values = values;
        Imaginary = imaginary;
        Class = cls;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>MATLAB <c>jc</c>: Columns + 1 offsets into <see cref="RowIndices"/> / <see cref="Values"/>.</summary>
    public IReadOnlyList<long> ColumnStarts => _columnStarts;

    /// <summary>MATLAB <c>ir</c>: zero-based row of each stored slot (nzmax of them).</summary>
    public IReadOnlyList<long> RowIndices => _rowIndices;

    /// <summary>The stored values: <c>double[]</c> (real parts) or <c>bool[]</c>, nzmax of them.</summary>
    public Array Values { get; }

    /// <summary>Imaginary parts of a complex double matrix, else null.</summary>
    public double[]? Imaginary { get; }

    /// <summary><see cref="BlobClass.Double"/> or <see cref="BlobClass.Logical"/>.</summary>
    public BlobClass Class { get; }

    /// <summary>Number of real non-zero entries (<c>jc[Columns]</c>).</summary>
    public int NonZeroCount => (int)_columnStarts[Columns];

    internal long[] ColumnStartsArray => _columnStarts;

    internal long[] RowIndicesArray => _rowIndices;

    /// <summary>The dense equivalent: <c>BlobArray&lt;double&gt;</c> (complex if needed) or <c>BlobArray&lt;bool&gt;</c>.</summary>
    public BlobArray ToDense()
    {
        int n = checked(Rows * Columns);
        if (Values is bool[] flags)
        {
            var dense = new bool[n];
            ForEach((k, r, c) => dense[r + Rows * c] = flags[k]);
            return new BlobArray<bool>(dense, null, [Rows, Columns], BlobClass.Logical);
        }
        var real = new double[n];
        var imag = Imaginary is null ? null : new double[n];
        var values = (double[])Values;
        ForEach((k, r, c) =>
        {
            real[r + Rows * c] = values[k];
            if (imag is not null) imag[r + Rows * c] = Imaginary![k];
        });
        return new BlobArray<double>(real, imag, [Rows, Columns], BlobClass.Double);
    }

    private void ForEach(Action<int, int, int> action)
    {
        for (int c = 0; c < Columns; c++)
            for (long k = _columnStarts[c]; k < _columnStarts[c + 1]; k++)
                action((int)k, (int)_rowIndices[k], c);
    }

    internal static string? Validate(long rows, long columns, long[] jc, long[] ir, int values, int? imaginary)
    {
        if (rows < 0 || columns < 0) return "sparse dimensions must not be negative";
        if (jc.Length != columns + 1) return $"jc must have columns + 1 = {columns + 1} entries, has {jc.Length}";
        if (values != ir.Length || (imaginary is { } im && im != ir.Length)) return "ir, values and imaginary parts must all have nzmax entries";
        if (jc[0] != 0) return "jc must start at 0";
        for (long c = 0; c < columns; c++)
            if (jc[c + 1] < jc[c]) return $"jc must not decrease (column {c})";
        if (jc[columns] > ir.Length) return $"jc[columns] = {jc[columns]} exceeds nzmax = {ir.Length}";
        for (long k = 0; k < jc[columns]; k++)
            if (ir[k] < 0 || ir[k] >= rows) return $"row index {ir[k]} of slot {k} is outside {rows} rows";
        return null;
    }

    /// <inheritdoc />
    public bool Equals(SparseMatrix? other) =>
        other is not null && Rows == other.Rows && Columns == other.Columns && Class == other.Class
        && _columnStarts.AsSpan().SequenceEqual(other._columnStarts) && _rowIndices.AsSpan().SequenceEqual(other._rowIndices)
        && BlobValue.DeepEquals(Values is double[] d ? new BlobArray<double>(d, Imaginary, [d.Length]) : new BlobArray<bool>((bool[])Values, null, [Values.Length]),
            other.Values is double[] od ? new BlobArray<double>(od, other.Imaginary, [od.Length]) : new BlobArray<bool>((bool[])other.Values, null, [other.Values.Length]));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SparseMatrix s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rows, Columns, _rowIndices.Length);
}
