using System.Runtime.CompilerServices;
using DataJoint.Metadata;

namespace DataJoint;

/// <summary>
/// Marks a partial record, class or struct as a row type of queries: the source generator implements
/// <see cref="IQueryRow{TSelf}"/> (in <c>DataJoint.Metadata</c>) for it, so <c>query.FetchAsync&lt;T&gt;()</c> fills it by attribute name without reflection.
/// A property <c>SubjectId</c> reads the attribute <c>subject_id</c> (or the name given by the BCL's <c>[Column("name")]</c>, <see cref="System.ComponentModel.DataAnnotations.Schema.ColumnAttribute"/>);
/// positional records are filled through their constructor, other properties through <c>init</c>/<c>set</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class QueryRowAttribute : Attribute;

// Typed fetches: a query's rows into a [QueryRow] type, by attribute name.
public partial class QueryExpression
{
    /// <summary>
    /// The rows as <typeparamref name="T"/>, a <c>[QueryRow]</c> type whose properties name attributes of this query
    /// (<see cref="FetchOptions.OrderBy"/>, <see cref="FetchOptions.Limit"/> and <see cref="FetchOptions.Offset"/> apply;
    /// the attributes are the type's). Without codec or computed attributes rows map straight from the data reader.
    /// </summary>
    public async Task<IReadOnlyList<T>> FetchAsync<T>(FetchOptions? options = null, CancellationToken cancellationToken = default)
        where T : IQueryRow<T>
    {
        var (query, names, direct) = ForRowType<T>(options);
        if (direct is not null) return await query.ReadAllAsync(direct, T.Read, cancellationToken).ConfigureAwait(false);
        var rows = await query.FetchAsync(RowOptions(options, names), cancellationToken).ConfigureAwait(false);
        var result = new T[rows.Count];
        for (var i = 0; i < result.Length; i++) result[i] = T.Read(rows[i]);
        return result;
    }

    /// <summary>Streams the rows as <typeparamref name="T"/> (see <see cref="FetchAsync{T}(FetchOptions?, CancellationToken)"/>).</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(FetchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IQueryRow<T>
    {
        var (query, names, direct) = ForRowType<T>(options);
        if (direct is not null)
        {
            await foreach (var row in query.StreamMappedAsync(direct, T.Read, cancellationToken).ConfigureAwait(false)) yield return row;
            yield break;
        }
        await foreach (var row in query.StreamAsync(RowOptions(options, names), cancellationToken).ConfigureAwait(false)) yield return T.Read(row);
    }

    /// <summary>The only row as <typeparamref name="T"/>; none or more than one is an error.</summary>
    public async Task<T> Fetch1Async<T>(FetchOptions? options = null, CancellationToken cancellationToken = default) where T : IQueryRow<T>
    {
        var (query, names, _) = ForRowType<T>(options);
        return T.Read(await query.Fetch1Async(RowOptions(options, names), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The options of the dynamic fetch behind a typed one: the row type's attributes, without the order and window
    /// (<see cref="ForRowType{T}"/>'s query already has them; applied again, a window would narrow itself).
    /// </summary>
    private static FetchOptions RowOptions(FetchOptions? options, IReadOnlyList<string> names) =>
        (options ?? new FetchOptions()) with { Attributes = names, OrderBy = null, Limit = null, Offset = null };

    /// <summary>
    /// The query a typed fetch reads (with the fetch's order and window), the row type's attributes (checked against the heading), and the columns to map
    /// straight from the data reader (null: rows map from dynamic rows).
    /// </summary>
    private (QueryExpression Query, IReadOnlyList<string> Names, FetchColumns? Direct) ForRowType<T>(FetchOptions? options) where T : IQueryRow<T>
    {
        var names = T.Attributes;
        for (var i = 0; i < names.Count; i++)
            if (!Heading.Contains(names[i]))
                throw new DataJointException(
                    $"{typeof(T).Name}.{T.Properties[i]} reads the attribute `{names[i]}`, which is not in the query's heading " +
                    $"({string.Join(", ", Heading.Names)}). Rename the property, give it [Column(\"...\")], or project the query.")
                {
                    Attribute = names[i],
                };
        // Straight from the reader when every property has the type its attribute's values have (no codec, no computation).
        var types = T.PropertyTypes;
        var direct = true;
        for (var i = 0; i < names.Count && direct; i++)
            direct = ColumnOf(names[i]) is { Codec: null } c && TypedColumns.NaturalType(c.Attribute.Kind) is { } natural
                     && (Nullable.GetUnderlyingType(types[i]) ?? types[i]) == natural;
        var query = ForFetch(options);
        return (query, names, direct ? query.DirectColumns(names) : null);
    }
}
