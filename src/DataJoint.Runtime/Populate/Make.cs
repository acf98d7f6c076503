using DataJoint.Metadata;
using KellermanSoftware.CompareNetObjects;

namespace DataJoint;

/// <summary>
/// What a <c>Make</c> receives besides its key: the table it fills and the key as attribute values. Inside a make,
/// inserts, deletes and fetches through any table of the same connection run in the make's transaction, so the
/// master row and its part rows commit together or not at all.
/// </summary>
public class MakeContext
{
    internal MakeContext(Table table, IReadOnlyDictionary<string, object?> key)
    {
        Table = table;
        Key = key;
    }

    /// <summary>The auto-populated table being filled.</summary>
    public Table Table { get; }

    /// <summary>The key being made (the key source's primary-key attributes).</summary>
    public IReadOnlyDictionary<string, object?> Key { get; }

    /// <summary>Inserts rows into the table being filled (same as <c>context.Table.InsertAsync</c>).</summary>
    public Task InsertAsync<TRow>(IEnumerable<TRow> rows, InsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Table.InsertAsync(rows, options, cancellationToken);

    /// <summary>Inserts one row into the table being filled.</summary>
    public Task Insert1Async(object row, InsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Table.Insert1Async(row, options, cancellationToken);

    /// <summary>
    /// Opens a part table of the table being filled by its class name (<c>"Unit"</c> for <c>__analysis__unit</c>), to insert
    /// the key's part rows.
    /// </summary>
    public async Task<Table> PartAsync(string partClassName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partClassName);
        if (!DataJoint.Definitions.TableNaming.TryGetTableName(partClassName, TableTier.Part, Table.Name, out var name, out var error))
            throw new DataJointException(error!);
        await using var conn = await Table.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var heading = await Table.Dialect.ReadHeadingAsync(conn, Table.Database, name, cancellationToken).ConfigureAwait(false)
                      ?? throw new MissingTableException($"The part table `{Table.Database}`.`{name}` of {Table.FullName} is not defined.", null);
        return new Table(Table.Connection, Table.Dialect, Table.Database, name, heading, stores: Table.Stores);
    }
}

/// <summary>The context of a typed make: inserts the table's generated <c>Row</c> records.</summary>
/// <typeparam name="TRow">The table's generated <c>Row</c> record.</typeparam>
public sealed class MakeContext<TRow> : MakeContext where TRow : class
{
    private readonly Func<IEnumerable<TRow>, InsertOptions?, CancellationToken, Task> _insert;

    internal MakeContext(Table table, IReadOnlyDictionary<string, object?> key, Func<IEnumerable<TRow>, InsertOptions?, CancellationToken, Task> insert)
        : base(table, key) => _insert = insert;

    /// <summary>Inserts typed rows into the table being filled.</summary>
    public Task InsertAsync(IEnumerable<TRow> rows, InsertOptions? options = null, CancellationToken cancellationToken = default) =>
        _insert(rows, options, cancellationToken);

    /// <summary>Inserts one typed row into the table being filled.</summary>
    public Task Insert1Async(TRow row, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _insert([row], options, cancellationToken);
    }
}

/// <summary>A make for a table declared from a string: compute and insert the rows of <see cref="MakeContext.Key"/>.</summary>
public delegate Task MakeHandler(MakeContext context, CancellationToken cancellationToken);

/// <summary>
/// A make in three steps (DataJoint 2.x's <c>make_fetch</c> / <c>make_compute</c> / <c>make_insert</c>) for long
/// computations: fetch and compute run outside any transaction; then, in one transaction, the fetch runs again, its result
/// is compared deeply with the first one (a change fails the key with Python's "Referential integrity failed" text), and
/// the insert runs.
/// </summary>
/// <typeparam name="TFetched">What the fetch step returns.</typeparam>
/// <typeparam name="TComputed">What the compute step returns.</typeparam>
/// <param name="FetchAsync">Fetches the upstream data of the key.</param>
/// <param name="ComputeAsync">Computes the result from the fetched data (no database access expected).</param>
/// <param name="InsertAsync">Inserts the computed result.</param>
public sealed record TripartiteMake<TFetched, TComputed>(
    Func<MakeContext, CancellationToken, Task<TFetched>> FetchAsync,
    Func<IReadOnlyDictionary<string, object?>, TFetched, CancellationToken, Task<TComputed>> ComputeAsync,
    Func<MakeContext, TComputed, CancellationToken, Task> InsertAsync)
{
    /// <summary>How the two fetches are compared; default: a deep comparison of their public members (CompareNETObjects).</summary>
    public IEqualityComparer<TFetched>? FetchComparer { get; init; }
}

/// <summary>
/// Marks a <c>[Table]</c> class deriving from <c>Computed</c> or <c>Imported</c> as populated by a typed make; implement
/// <see cref="IMake{TRow, TKey}"/> or <see cref="IMakeTripartite{TRow, TKey, TFetched, TComputed}"/>.
/// </summary>
/// <typeparam name="TRow">The table's generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">The table's generated <c>Key</c> record.</typeparam>
public interface IAutoPopulate<TRow, TKey> where TRow : class where TKey : class
{
    /// <summary>
    /// The populate loop's adapter of a three-step make (null for a simple one): implemented by
    /// <see cref="IMakeTripartite{TRow, TKey, TFetched, TComputed}"/>, which knows its fetched and computed types, so no
    /// generic type is made at run time (trimmed and NativeAOT apps populate too).
    /// </summary>
    internal MakeMethod? TripartiteMake<TTable>(TypedTable<TTable, TRow, TKey> table)
        where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey> => null;
}

/// <summary>
/// The typed make of a <c>[Table]</c> class deriving from <c>Computed</c> or <c>Imported</c>: it receives the generated
/// <c>Key</c> and inserts generated <c>Row</c>s. Populate it with <c>PopulateAsync</c> on its typed table.
/// </summary>
/// <typeparam name="TRow">The table's generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">The table's generated <c>Key</c> record.</typeparam>
public interface IMake<TRow, TKey> : IAutoPopulate<TRow, TKey> where TRow : class where TKey : class
{
    /// <summary>Computes and inserts the row (and part rows) of <paramref name="key"/>; runs in one transaction.</summary>
    Task MakeAsync(TKey key, MakeContext<TRow> context, CancellationToken cancellationToken);
}

/// <summary>The typed three-step make (see <see cref="TripartiteMake{TFetched, TComputed}"/>) of a <c>[Table]</c> class.</summary>
/// <typeparam name="TRow">The table's generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">The table's generated <c>Key</c> record.</typeparam>
/// <typeparam name="TFetched">What the fetch step returns.</typeparam>
/// <typeparam name="TComputed">What the compute step returns.</typeparam>
public interface IMakeTripartite<TRow, TKey, TFetched, TComputed> : IAutoPopulate<TRow, TKey> where TRow : class where TKey : class
{
    MakeMethod? IAutoPopulate<TRow, TKey>.TripartiteMake<TTable>(TypedTable<TTable, TRow, TKey> table) =>
        TypedMake<TTable, TRow, TKey>.TripartiteAdapter(this, table);

    /// <summary>Fetches the upstream data of the key (runs twice: outside, then inside the insert transaction).</summary>
    Task<TFetched> MakeFetchAsync(TKey key, MakeContext<TRow> context, CancellationToken cancellationToken);

    /// <summary>Computes the result outside any transaction.</summary>
    Task<TComputed> MakeComputeAsync(TKey key, TFetched fetched, CancellationToken cancellationToken);

    /// <summary>Inserts the result, in the transaction that re-checked the fetched data.</summary>
    Task MakeInsertAsync(TKey key, TComputed computed, MakeContext<TRow> context, CancellationToken cancellationToken);
}

/// <summary>
/// Overrides the key source of a typed auto-populated table (DataJoint Python's <c>key_source</c> property): the keys
/// populate makes. The default is the join of the parents referenced by the primary key.
/// </summary>
public interface IKeySource
{
    /// <summary>The key source query; <paramref name="defaultKeySource"/> is the default one, to restrict or join.</summary>
    Task<QueryExpression> KeySourceAsync(Table table, QueryExpression defaultKeySource, CancellationToken cancellationToken);
}

/// <summary>How the populate loop calls a make (simple or three-step), whatever its form.</summary>
internal abstract class MakeMethod
{
    public abstract bool IsTripartite { get; }

    /// <summary>The context handed to the make for one key.</summary>
    public virtual MakeContext CreateContext(Table table, IReadOnlyDictionary<string, object?> key) => new(table, key);

    public virtual Task MakeAsync(MakeContext context, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<object?> FetchAsync(MakeContext context, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual Task<object?> ComputeAsync(IReadOnlyDictionary<string, object?> key, object? fetched, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public virtual Task InsertAsync(MakeContext context, object? computed, CancellationToken cancellationToken) => throw new NotSupportedException();

    public virtual bool SameFetch(object? first, object? second) => throw new NotSupportedException();

    public static MakeMethod From(MakeHandler handler) => new Simple(handler);

    public static MakeMethod From<TFetched, TComputed>(TripartiteMake<TFetched, TComputed> make) => new Tripartite<TFetched, TComputed>(make);

    private sealed class Simple(MakeHandler handler) : MakeMethod
    {
        public override bool IsTripartite => false;

        public override Task MakeAsync(MakeContext context, CancellationToken cancellationToken) => handler(context, cancellationToken);
    }

    private sealed class Tripartite<TFetched, TComputed>(TripartiteMake<TFetched, TComputed> make) : MakeMethod
    {
        public override bool IsTripartite => true;

        public override async Task<object?> FetchAsync(MakeContext context, CancellationToken cancellationToken) =>
            await make.FetchAsync(context, cancellationToken).ConfigureAwait(false);

        public override async Task<object?> ComputeAsync(IReadOnlyDictionary<string, object?> key, object? fetched, CancellationToken cancellationToken) =>
            await make.ComputeAsync(key, (TFetched)fetched!, cancellationToken).ConfigureAwait(false);

        public override Task InsertAsync(MakeContext context, object? computed, CancellationToken cancellationToken) =>
            make.InsertAsync(context, (TComputed)computed!, cancellationToken);

        public override bool SameFetch(object? first, object? second) =>
            make.FetchComparer is { } comparer ? comparer.Equals((TFetched)first!, (TFetched)second!) : DeepEquals(first, second);
    }

    /// <summary>Python compares a deep hash of the two fetches (deepdiff); this compares their public members deeply.</summary>
    internal static bool DeepEquals(object? first, object? second)
    {
        var logic = new CompareLogic(new ComparisonConfig { MaxDifferences = 1, CompareChildren = true, ComparePrivateFields = false });
        return logic.Compare(first, second).AreEqual;
    }
}
