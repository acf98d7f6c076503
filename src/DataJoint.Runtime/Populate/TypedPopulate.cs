using DataJoint.Settings;

using DataJoint.Metadata;

namespace DataJoint;

/// <summary>Populate, progress and jobs of typed auto-populated tables (<c>[Table]</c> classes implementing a typed make).</summary>
public static class TypedPopulateExtensions
{
    /// <summary>
    /// Populates the table of <typeparamref name="TTable"/> with its typed make (<see cref="IMake{TRow, TKey}"/> or
    /// <see cref="IMakeTripartite{TRow, TKey, TFetched, TComputed}"/>), on a new instance of the class. The key source is the
    /// default one unless the class implements <see cref="IKeySource"/>. See <see cref="Table.PopulateAsync(MakeHandler, PopulateOptions?, QueryExpression?, CancellationToken)"/>.
    /// </summary>
    public static Task<PopulateResult> PopulateAsync<TTable, TRow, TKey>(this TypedTable<TTable, TRow, TKey> table, PopulateOptions? options = null,
        CancellationToken cancellationToken = default)
        where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey>, new()
        where TRow : class
        where TKey : class =>
        table.PopulateAsync(new TTable(), options, cancellationToken);

    /// <summary>As <see cref="PopulateAsync{TTable, TRow, TKey}(TypedTable{TTable, TRow, TKey}, PopulateOptions?, CancellationToken)"/> on a given instance (one holding services, settings, a schema...).</summary>
    public static Task<PopulateResult> PopulateAsync<TTable, TRow, TKey>(this TypedTable<TTable, TRow, TKey> table, TTable maker,
        PopulateOptions? options = null, CancellationToken cancellationToken = default)
        where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey>
        where TRow : class
        where TKey : class
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(maker);
        return table.Table.PopulateAsync(TypedMake<TTable, TRow, TKey>.For(maker, table), KeySourceFor(table.Table, maker), options, cancellationToken);
    }

    /// <summary>
    /// Remaining and total keys of the key source (see <see cref="Table.ProgressAsync(object[])"/>). Give the
    /// <paramref name="maker"/> when the class overrides its key source (<see cref="IKeySource"/>).
    /// </summary>
    public static async Task<(long Remaining, long Total)> ProgressAsync<TTable, TRow, TKey>(this TypedTable<TTable, TRow, TKey> table,
        TTable? maker = null, IReadOnlyList<object>? restrictions = null, CancellationToken cancellationToken = default)
        where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey>
        where TRow : class
        where TKey : class
    {
        ArgumentNullException.ThrowIfNull(table);
        var keySource = await KeySourceFor(table.Table, maker)(cancellationToken).ConfigureAwait(false);
        return await table.Table.ProgressAsync(restrictions ?? [], keySource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The job table of the typed table (see <see cref="Table.JobsAsync"/>). Give the <paramref name="maker"/> when the
    /// class overrides its key source (<see cref="IKeySource"/>), so refresh uses it.
    /// </summary>
    public static async Task<JobTable> JobsAsync<TTable, TRow, TKey>(this TypedTable<TTable, TRow, TKey> table, TTable? maker = null,
        JobsSettings? settings = null, CancellationToken cancellationToken = default)
        where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey>
        where TRow : class
        where TKey : class
    {
        ArgumentNullException.ThrowIfNull(table);
        var keySource = await KeySourceFor(table.Table, maker)(cancellationToken).ConfigureAwait(false);
        return await table.Table.JobsAsync(settings, keySource, cancellationToken).ConfigureAwait(false);
    }

    private static Func<CancellationToken, Task<QueryExpression>> KeySourceFor<TTable>(Table table, TTable? maker) where TTable : class
    {
        if (maker is null && typeof(IKeySource).IsAssignableFrom(typeof(TTable)))
            throw new DataJointException($"{typeof(TTable).Name} overrides its key source (IKeySource): pass an instance of it as the maker.");
        return maker is IKeySource custom
            ? async ct => await custom.KeySourceAsync(table, await table.KeySourceAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false)
            : table.KeySourceAsync;
    }
}

/// <summary>Adapts a typed make to the populate loop: dynamic key → generated <c>Key</c>, typed inserts through the generated mapper.</summary>
internal static class TypedMake<TTable, TRow, TKey>
    where TTable : UserTable, ITypedTable<TTable, TRow, TKey>, IAutoPopulate<TRow, TKey>
    where TRow : class
    where TKey : class
{
    public static MakeMethod For(TTable maker, TypedTable<TTable, TRow, TKey> table)
    {
        if (maker is IMake<TRow, TKey> simple) return new Simple(simple, table);
        return ((IAutoPopulate<TRow, TKey>)maker).TripartiteMake(table) ?? throw new DataJointException(
            $"{typeof(TTable).Name} implements neither IMake<Row, Key> nor IMakeTripartite<Row, Key, TFetched, TComputed>.");
    }

    /// <summary>The adapter of a three-step make (called by <see cref="IMakeTripartite{TRow, TKey, TFetched, TComputed}"/>).</summary>
    internal static MakeMethod TripartiteAdapter<TFetched, TComputed>(IMakeTripartite<TRow, TKey, TFetched, TComputed> make, TypedTable<TTable, TRow, TKey> table) =>
        new Tripartite<TFetched, TComputed>(make, table);

    private static TKey KeyOf(IReadOnlyDictionary<string, object?> key) =>
        TypedMapping<TTable, TRow, TKey>.ReadKey(key as Row ?? throw new DataJointException("A typed make expects a fetched key row."));

    private static MakeContext<TRow> Context(Table target, IReadOnlyDictionary<string, object?> key, TypedTable<TTable, TRow, TKey> table) =>
        new(target, key, (rows, options, ct) => table.InsertAsync(rows, options, ct));

    private sealed class Simple(IMake<TRow, TKey> make, TypedTable<TTable, TRow, TKey> table) : MakeMethod
    {
        public override bool IsTripartite => false;

        public override MakeContext CreateContext(Table target, IReadOnlyDictionary<string, object?> key) => Context(target, key, table);

        public override Task MakeAsync(MakeContext context, CancellationToken cancellationToken) =>
            make.MakeAsync(KeyOf(context.Key), (MakeContext<TRow>)context, cancellationToken);
    }

    private sealed class Tripartite<TFetched, TComputed>(IMakeTripartite<TRow, TKey, TFetched, TComputed> make, TypedTable<TTable, TRow, TKey> table)
        : MakeMethod
    {
        public override bool IsTripartite => true;

        public override MakeContext CreateContext(Table target, IReadOnlyDictionary<string, object?> key) => Context(target, key, table);

        public override async Task<object?> FetchAsync(MakeContext context, CancellationToken cancellationToken) =>
            await make.MakeFetchAsync(KeyOf(context.Key), (MakeContext<TRow>)context, cancellationToken).ConfigureAwait(false);

        public override async Task<object?> ComputeAsync(IReadOnlyDictionary<string, object?> key, object? fetched, CancellationToken cancellationToken) =>
            await make.MakeComputeAsync(KeyOf(key), (TFetched)fetched!, cancellationToken).ConfigureAwait(false);

        public override Task InsertAsync(MakeContext context, object? computed, CancellationToken cancellationToken) =>
            make.MakeInsertAsync(KeyOf(context.Key), (TComputed)computed!, (MakeContext<TRow>)context, cancellationToken);

        public override bool SameFetch(object? first, object? second) => DeepEquals(first, second);
    }
}
