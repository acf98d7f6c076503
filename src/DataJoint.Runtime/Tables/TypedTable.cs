using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;

using DataJoint.Metadata;

namespace DataJoint;

/// <summary>
/// A typed handle on the table of class <typeparamref name="TTable"/>: inserts and fetches the generated
/// <c>Row</c>/<c>Key</c> records. A thin wrapper over the dynamic <see cref="DataJoint.Table"/> (same SQL, same
/// checks, same codec chain); the generated mappers move values without reflection.
/// </summary>
/// <typeparam name="TTable">The <c>[Table]</c> class.</typeparam>
/// <typeparam name="TRow">Its generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">Its generated <c>Key</c> record.</typeparam>
public sealed class TypedTable<TTable, TRow, TKey>
    where TTable : UserTable, ITypedTable<TTable, TRow, TKey>
    where TRow : class
    where TKey : class
{
    private static string[] RowNames => TypedMapping<TTable, TRow, TKey>.RowNames;
    private static string[] KeyNames => TypedMapping<TTable, TRow, TKey>.KeyNames;

    internal TypedTable(Table table) => Table = table;

    /// <summary>The dynamic table (with this handle's restrictions) for operators the typed API does not wrap.</summary>
    public Table Table { get; }

    /// <summary>Declares (if needed) and opens the table of <typeparamref name="TTable"/> in <paramref name="schema"/>.</summary>
    public static async Task<TypedTable<TTable, TRow, TKey>> OpenAsync(Schema schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new TypedTable<TTable, TRow, TKey>(await schema.TableAsync<TTable>(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Wraps an already opened dynamic table of <typeparamref name="TTable"/>.</summary>
    public static TypedTable<TTable, TRow, TKey> Wrap(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new TypedTable<TTable, TRow, TKey>(table);
    }

    /// <summary>Rows whose primary key equals <paramref name="key"/>.</summary>
    public TypedTable<TTable, TRow, TKey> Restrict(TKey key) => new(Table.Restrict(KeyValues(key)));

    /// <summary>The row whose primary key equals that of <paramref name="row"/> (its other values are not compared).</summary>
    public TypedTable<TTable, TRow, TKey> Restrict(TRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var values = TypedMapping<TTable, TRow, TKey>.Values(row);
        return new(Table.Restrict(new MappedValues(KeyNames, values[..KeyNames.Length])));
    }

    /// <summary>Rows matching a condition of the dynamic API (dictionary, anonymous object, SQL string, query...).</summary>
    public TypedTable<TTable, TRow, TKey> Restrict(object condition) =>
        condition is Top
            ? throw new DataJointException(
                $"A Top of {Table.FullName} is a query, not a table: fetch its rows with FetchAsync(top), or use it in the dynamic API (typed.Table & top)")
            : new(Table.Restrict(condition));

    /// <summary>Rows not matching a condition.</summary>
    public TypedTable<TTable, TRow, TKey> Except(object condition) => new(Table.Except(condition is TKey k ? KeyValues(k) : condition));

    /// <summary>Restriction by key.</summary>
    public static TypedTable<TTable, TRow, TKey> operator &(TypedTable<TTable, TRow, TKey> table, TKey key) => table.Restrict(key);

    /// <summary>Restriction by a dynamic condition.</summary>
    public static TypedTable<TTable, TRow, TKey> operator &(TypedTable<TTable, TRow, TKey> table, object condition) => table.Restrict(condition);

    /// <summary>Anti-restriction.</summary>
    public static TypedTable<TTable, TRow, TKey> operator -(TypedTable<TTable, TRow, TKey> table, object condition) => table.Except(condition);

    /// <summary>Inserts one row.</summary>
    public Task Insert1Async(TRow row, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return InsertAsync([row], options, cancellationToken);
    }

    /// <summary>Inserts rows (all or none, as <see cref="DataJoint.Table.InsertAsync{TRow}"/>).</summary>
    public Task InsertAsync(IEnumerable<TRow> rows, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Table.InsertValuesAsync(RowNames, Map(rows), options, cancellationToken);

        static IEnumerable<object?[]> Map(IEnumerable<TRow> rows)
        {
            foreach (var row in rows)
            {
                if (row is null) throw new DataJointException($"Insert into {typeof(TTable).Name}: a row is null");
                yield return TypedMapping<TTable, TRow, TKey>.Values(row);
            }
        }
    }

    /// <summary>All rows.</summary>
    public async Task<IReadOnlyList<TRow>> FetchAsync(CancellationToken cancellationToken = default)
    {
        return await FetchAsync(Table, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The only row; throws a <see cref="DataJointException"/> when there is none or more than one.</summary>
    public async Task<TRow> Fetch1Async(CancellationToken cancellationToken = default) =>
        TypedMapping<TTable, TRow, TKey>.ReadRow(await Table.Fetch1Async(null, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// One value of the only row. A selector that reads one property (<c>r =&gt; r.Network</c>) fetches only that
    /// attribute; any other selector fetches the row and applies it.
    /// </summary>
    public async Task<TValue> Fetch1Async<TValue>(Expression<Func<TRow, TValue>> selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (AttributeOf(selector) is { } attribute)
        {
            var row = await Table.Fetch1Async(new FetchOptions { Attributes = [attribute.Name] }, cancellationToken).ConfigureAwait(false);
            return TypedValues.Convert<TValue>(row[attribute.Name], attribute.Name, attribute.Nullable);
        }
        return selector.Compile()(await Fetch1Async(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One attribute of every row (only that attribute is fetched when the selector reads one property).</summary>
    public async Task<IReadOnlyList<TValue>> FetchAsync<TValue>(Expression<Func<TRow, TValue>> selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (AttributeOf(selector) is { } attribute)
        {
            var rows = await Table.FetchAsync(new FetchOptions { Attributes = [attribute.Name] }, cancellationToken).ConfigureAwait(false);
            var values = new TValue[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = TypedValues.Convert<TValue>(rows[i][attribute.Name], attribute.Name, attribute.Nullable);
            return values;
        }
        var f = selector.Compile();
        return (await FetchAsync(cancellationToken).ConfigureAwait(false)).Select(f).ToArray();
    }

    /// <summary>The primary keys of all rows.</summary>
    public async Task<IReadOnlyList<TKey>> KeysAsync(CancellationToken cancellationToken = default)
    {
        var rows = await Table.KeysAsync(null, cancellationToken).ConfigureAwait(false);
        var result = new TKey[rows.Count];
        for (var i = 0; i < result.Length; i++) result[i] = TypedMapping<TTable, TRow, TKey>.ReadKey(rows[i]);
        return result;
    }

    /// <summary>Streams the rows without holding them all in memory.</summary>
    public async IAsyncEnumerable<TRow> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Rows map straight from the data reader unless a codec needs store I/O to decode (then through dynamic rows).
        if (Table.DirectColumns(RowNames) is { } columns)
        {
            await foreach (var row in Table.StreamMappedAsync(columns, TTable.ReadRow, cancellationToken).ConfigureAwait(false))
                yield return row;
            yield break;
        }
        await foreach (var row in Table.StreamAsync(null, cancellationToken).ConfigureAwait(false))
            yield return TypedMapping<TTable, TRow, TKey>.ReadRow(row);
    }

    /// <summary>Number of rows.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => Table.CountAsync(cancellationToken);

    /// <summary>Deletes the rows (cascading to dependents) as <see cref="DataJoint.Table.DeleteAsync(PartIntegrity, CancellationToken)"/>; returns the count deleted here.</summary>
    public Task<long> DeleteAsync(PartIntegrity partIntegrity = PartIntegrity.Enforce, CancellationToken cancellationToken = default) =>
        Table.DeleteAsync(partIntegrity, cancellationToken);

    /// <summary>Deletes with safemode and part-integrity options as <see cref="DataJoint.Table.DeleteAsync(DeleteOptions, CancellationToken)"/>.</summary>
    public Task<long> DeleteAsync(DeleteOptions options, CancellationToken cancellationToken = default) =>
        Table.DeleteAsync(options, cancellationToken);

    /// <summary>What a delete would remove, per table and schema (<see cref="DataJoint.Table.PreviewDeleteAsync"/>); nothing changes.</summary>
    public Task<CascadePreview> PreviewDeleteAsync(PartIntegrity partIntegrity = PartIntegrity.Enforce, CancellationToken cancellationToken = default) =>
        Table.PreviewDeleteAsync(partIntegrity, cancellationToken);

    /// <summary>The first rows in an order (<see cref="Top"/>), as typed rows: <c>typed.FetchAsync(new Top(5, "score DESC"))</c>.</summary>
    public Task<IReadOnlyList<TRow>> FetchAsync(Top top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(top);
        return FetchAsync(Table.Restrict(top), null, cancellationToken);
    }

    /// <summary>
    /// The rows in the order and window of <paramref name="options"/>, with its <see cref="FetchOptions.DownloadPath"/> and
    /// <see cref="FetchOptions.MaxParallelDownloads"/> (its attributes are ignored: whole rows are read).
    /// </summary>
    public Task<IReadOnlyList<TRow>> FetchAsync(FetchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var decoding = new FetchOptions { DownloadPath = options.DownloadPath, MaxParallelDownloads = options.MaxParallelDownloads };
        return FetchAsync(Table.ForFetch(options), decoding, cancellationToken);
    }

    /// <param name="query">The rows' query (its order and window already applied).</param>
    /// <param name="decoding">The download path and parallel downloads of codec values (null: the defaults).</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    private async Task<IReadOnlyList<TRow>> FetchAsync(QueryExpression query, FetchOptions? decoding, CancellationToken cancellationToken)
    {
        // Rows map straight from the data reader unless a codec needs store I/O to decode (then through dynamic rows).
        if (query.DirectColumns(RowNames, decoding?.DownloadPath) is { } columns)
            return await query.ReadAllAsync(columns, TTable.ReadRow, cancellationToken).ConfigureAwait(false);
        var rows = await query.FetchAsync(decoding, cancellationToken).ConfigureAwait(false);
        var result = new TRow[rows.Count];
        for (var i = 0; i < result.Length; i++) result[i] = TypedMapping<TTable, TRow, TKey>.ReadRow(rows[i]);
        return result;
    }

    /// <summary>
    /// Changes the row with <paramref name="row"/>'s primary key to <paramref name="row"/>'s values (<see cref="DataJoint.Table.Update1Async"/>).
    /// Every attribute of the record is written; a null nullable property resets its attribute to the default.
    /// </summary>
    public Task Update1Async(TRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Table.Update1Async(new MappedValues(RowNames, TypedMapping<TTable, TRow, TKey>.Values(row)), cancellationToken);
    }

    /// <summary>Inserts the rows of a query on the server (<see cref="DataJoint.Table.InsertAsync(QueryExpression, InsertOptions?, CancellationToken)"/>).</summary>
    public Task InsertAsync(QueryExpression source, InsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Table.InsertAsync(source, options, cancellationToken);

    /// <summary>Checks rows as an insert would, without writing (<see cref="DataJoint.Table.Validate{TRow}"/>).</summary>
    public ValidationResult Validate(IEnumerable<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Table.Validate(rows.Select(r => new MappedValues(RowNames, TypedMapping<TTable, TRow, TKey>.Values(r))));
    }

    /// <inheritdoc />
    public override string ToString() => Table.ToString();

    private static MappedValues KeyValues(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new MappedValues(KeyNames, TypedMapping<TTable, TRow, TKey>.KeyValues(key));
    }

    /// <summary>The attribute a one-property selector reads, and whether its property is nullable (checked once per call).</summary>
    private static (string Name, bool Nullable)? AttributeOf<TValue>(Expression<Func<TRow, TValue>> selector)
    {
        var body = selector.Body;
        if (body is not MemberExpression { Member: PropertyInfo property } m || m.Expression != selector.Parameters[0]) return null;
        if (TypedMapping<TTable, TRow, TKey>.AttributeOf(property.Name) is not { } name) return null;
        var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
            || (!property.PropertyType.IsValueType && new NullabilityInfoContext().Create(property).ReadState != NullabilityState.NotNull);
        return (name, nullable);
    }
}
