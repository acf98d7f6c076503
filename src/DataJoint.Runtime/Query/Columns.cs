using DataJoint.Metadata;

namespace DataJoint;

/// <summary>
/// Fetched attributes as columns (DataJoint 2.x's <c>to_arrays</c>): one array per attribute, in row order.
/// <see cref="Get{T}"/> gives a column as <c>T[]</c> (<c>double[]</c>, <c>int?[]</c>, <c>string?[]</c>,
/// <c>BlobArray&lt;double&gt;[]</c>...); numbers convert to the asked type when they fit.
/// </summary>
public sealed class ColumnSet
{
    private readonly IReadOnlyList<Row> _rows;
    private readonly Dictionary<string, int> _index;

    internal ColumnSet(IReadOnlyList<string> names, IReadOnlyList<Row> rows)
    {
        Names = names;
        _rows = rows;
        _index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The attribute names, in the order they were asked for.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount => _rows.Count;

    /// <summary>
    /// The column of <paramref name="attribute"/> as <typeparamref name="T"/>[] (a nullable <typeparamref name="T"/> for
    /// attributes with NULLs: a NULL in a non-nullable <typeparamref name="T"/> raises a <see cref="DataJointException"/>).
    /// </summary>
    public T[] Get<T>(string attribute)
    {
        if (!_index.ContainsKey(attribute))
            throw new DataJointException($"`{attribute}` was not fetched (the columns are {string.Join(", ", Names)})") { Attribute = attribute };
        var column = new T[_rows.Count];
        var nullable = default(T) is null;
        for (var i = 0; i < column.Length; i++)
            column[i] = nullable ? QueryRowValues.ReadOrNull<T>(_rows[i], attribute) : QueryRowValues.Read<T>(_rows[i], attribute);
        return column;
    }

    /// <summary>The rows the columns were read from (their values already decoded).</summary>
    public IReadOnlyList<Row> Rows => _rows;
}

// Columns as arrays (to_arrays).
public partial class QueryExpression
{
    /// <summary>
    /// One attribute of every row as an array (DataJoint 2.x's <c>to_arrays('x')</c>): <c>double[]</c> for a float64
    /// attribute, <c>double?[]</c> when it has NULLs, <c>BlobArray&lt;double&gt;[]</c> for a <c>&lt;blob&gt;</c> of arrays...
    /// An attribute without a codec whose values already have type <typeparamref name="T"/> is read straight into the
    /// array (no boxing); others are decoded and converted. Order and window come from <paramref name="options"/>.
    /// </summary>
    public async Task<T[]> FetchColumnAsync<T>(string attribute, FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var column = ColumnOf(attribute);
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (column.Codec is null && TypedColumns.NaturalType(column.Attribute.Kind) == target
            && ForFetch(options) is var query && query.DirectColumns([attribute]) is { } direct)
        {
            Func<ColumnSource, T> read = default(T) is null ? s => s.ReadOrNull<T>(0) : s => s.Read<T>(0);
            return [.. await query.ReadAllAsync(direct, read, cancellationToken).ConfigureAwait(false)];
        }
        var rows = await FetchAsync((options ?? new FetchOptions()) with { Attributes = [attribute] }, cancellationToken).ConfigureAwait(false);
        return new ColumnSet([attribute], rows).Get<T>(attribute);
    }

    /// <summary>
    /// The named attributes of every row as columns (DataJoint 2.x's <c>to_arrays('a', 'b')</c>; <c>"KEY"</c> adds the
    /// primary key; none: every attribute): one fetch, then <see cref="ColumnSet.Get{T}"/> per column.
    /// </summary>
    public async Task<ColumnSet> FetchColumnsAsync(IReadOnlyList<string> attributes, FetchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var names = ResolveAttributes(attributes.Count == 0 ? null : attributes);
        var rows = await FetchAsync((options ?? new FetchOptions()) with { Attributes = names }, cancellationToken).ConfigureAwait(false);
        return new ColumnSet(names, rows);
    }

    /// <summary>The named attributes of every row as columns (see <see cref="FetchColumnsAsync(IReadOnlyList{string}, FetchOptions?, CancellationToken)"/>).</summary>
    public Task<ColumnSet> FetchColumnsAsync(params string[] attributes) => FetchColumnsAsync(attributes, null, CancellationToken.None);
}
