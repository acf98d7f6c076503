using Apache.Arrow;
using Apache.Arrow.Types;
using ArrowSchema = Apache.Arrow.Schema;

namespace DataJoint.Arrow;

/// <summary>
/// Query results as Apache Arrow record batches (DataJoint Python 2.x's <c>to_arrow</c>): one column per attribute, typed
/// by the attribute's DataJoint type, nullable where the values hold NULLs. The batch can be handed to any Arrow consumer
/// (written with <c>Apache.Arrow.Ipc</c> for pyarrow/pandas/polars, or wrapped by <c>Microsoft.Data.Analysis.DataFrame</c>).
/// </summary>
public static class ArrowFetch
{
    /// <summary>
    /// Fetches the query (attributes, order and window from <paramref name="options"/>) into one <see cref="RecordBatch"/>.
    /// Types: <c>int8</c>…<c>int64</c> and unsigned → Int8…UInt64, <c>float32</c>/<c>float64</c> → Float/Double,
    /// <c>bool</c> → Boolean, <c>decimal(p,s)</c> → Decimal128(p,s), <c>char</c>/<c>varchar</c>/<c>enum</c> → Utf8,
    /// <c>json</c> → Utf8 (the JSON text), <c>bytes</c> → Binary, <c>uuid</c> → Arrow's canonical <c>arrow.uuid</c> extension,
    /// <c>date</c> → Date32, <c>datetime</c> → Timestamp(µs), <c>time</c> → Duration(µs). Codec and computed attributes
    /// take the type of their decoded values: integers, floating point, decimals, strings, bytes, booleans, and 1-D
    /// numeric arrays (<c>BlobArray&lt;T&gt;</c>, <c>T[]</c>) as List&lt;T&gt;. Any other value raises a
    /// <see cref="DataJointException"/> naming the attribute (project it away or convert it first).
    /// </summary>
    public static async Task<RecordBatch> ToArrowAsync(this QueryExpression query, FetchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await query.FetchAsync(options, cancellationToken).ConfigureAwait(false);
        var names = options?.Attributes is null ? query.Heading.Names : rows.Count > 0 ? rows[0].Keys.ToList() : ResolveNames(query, options.Attributes);
        var fields = new List<Field>(names.Count);
        var arrays = new List<IArrowArray>(names.Count);
        foreach (var name in names)
        {
            var attribute = query.Heading[name];
            var values = new object?[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = rows[i][name];
            var array = ArrowColumns.Build(attribute, values);
            fields.Add(new Field(name, array.Data.DataType, nullable: values.Any(v => v is null) || attribute.IsNullable));
            arrays.Add(array);
        }
        return new RecordBatch(new ArrowSchema(fields, null), arrays, rows.Count);
    }

    private static List<string> ResolveNames(QueryExpression query, IReadOnlyList<string> requested)
    {
        var list = new List<string>();
        foreach (var r in requested)
        {
            if (r == "KEY") list.AddRange(query.PrimaryKey.Where(k => !list.Contains(k)));
            else if (!list.Contains(r)) list.Add(r);
        }
        return list;
    }
}
