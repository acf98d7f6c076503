using System.Data.Common;
using DataJoint.Stores;

namespace DataJoint;

/// <summary>
/// Schema-level garbage collection of an object store (spec §6.4): finds the store objects of one or more schemas that
/// no row references, and reports them (dry run, the default) or deletes them.
/// </summary>
/// <remarks>
/// Every column whose codec spec names a store is read raw (no decode, no download) and its values are asked for the
/// paths they reference (<see cref="ICodec.ReferencedPaths"/> of the chain's innermost codec, i.e. the codec that wrote
/// the column value). Columns are classified by their whole resolved chain, so a custom codec chained into
/// <c>&lt;blob@store&gt;</c> keeps its <c>_hash/...</c> objects (DataJoint Python looks only at the outermost codec and
/// would report them as orphans). A column whose codec is not registered is still read: any JSON value with a
/// <c>path</c> counts as a reference, so unknown codecs never lose objects.
/// Run it while no insert into these schemas is in flight: an insert uploads before it commits, and an object uploaded
/// but not yet committed looks like an orphan.
/// </remarks>
public static class SchemaGarbageCollector
{
    /// <summary>
    /// Scans <paramref name="schema"/>'s tables and its area of <paramref name="store"/> (null: the default store) and
    /// reports orphaned objects; with <paramref name="dryRun"/> false, deletes them.
    /// </summary>
    public static Task<GcReport> CollectGarbageAsync(this Schema schema, string? store = null, bool dryRun = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return CollectAsync([schema], store, dryRun, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="CollectGarbageAsync"/> for several schemas at once (they must use the same store configuration;
    /// the first schema's <see cref="Schema.Stores"/> resolves <paramref name="store"/>).
    /// </summary>
    public static async Task<GcReport> CollectAsync(IEnumerable<Schema> schemas, string? store = null, bool dryRun = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        var list = schemas.ToList();
        if (list.Count == 0) throw new DataJointException("Garbage collection needs at least one schema.");
        var provider = list[0].Stores
            ?? throw new DataJointException($"Schema `{list[0].Database}` has no object stores configured; there is nothing to collect.");
        var target = provider.GetStore(store);
        var referenced = new List<string>();
        foreach (var schema in list)
        {
            var refs = await ReferencedPathsAsync(schema, target.Name, cancellationToken).ConfigureAwait(false);
            referenced.AddRange(refs);
        }
        var report = await StoreGarbageCollector.CollectAsync(target, list.Select(s => s.Database), referenced, dryRun, cancellationToken)
            .ConfigureAwait(false);
        DataJointLog.GarbageCollected(list[0].Connection.Loggers.GarbageCollection, target.Name, string.Join(", ", list.Select(s => s.Database)),
            report.HashPathsReferenced + report.SchemaPathsReferenced, report.HashPathsStored + report.SchemaPathsStored,
            report.OrphanCount, report.OrphanedBytes,
            dryRun ? " (dry run: nothing deleted)" : $"; deleted {report.Deleted} ({report.BytesFreed} bytes), {report.Errors.Count} errors");
        return report;
    }

    /// <summary>
    /// The store-relative paths in store <paramref name="storeName"/> that rows of <paramref name="schema"/> reference
    /// (files, and folders whose files and manifest they cover).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReferencedPathsAsync(Schema schema, string storeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(storeName);
        var result = new HashSet<string>(StringComparer.Ordinal);
        var tables = await schema.ListTablesAsync(cancellationToken).ConfigureAwait(false);
        DataJointLog.GarbageScan(schema.Connection.Loggers.GarbageCollection, storeName, schema.Database, tables.Count);
        foreach (var tableName in tables)
        {
            var table = await schema.OpenTableAsync(tableName, cancellationToken).ConfigureAwait(false);
            foreach (var attribute in table.TableHeading.Attributes)
            {
                if (attribute.CodecName is null || attribute.Store is null) continue;
                ICodec? innermost = null;
                var columnStore = attribute.Store;
                if (Codecs.TryGet(attribute.CodecName, out _))
                {
                    var chain = Codecs.Resolve(attribute.Codec!);
                    innermost = chain.Links[^1];
                    columnStore = CodecContextHelpers.ResolveStoreName(chain.Store, schema.Stores,
                        chain.Links.Any(l => l.Descriptor.Name == "filepath")) ?? columnStore;
                }
                else
                {
                    columnStore = CodecContextHelpers.ResolveStoreName(columnStore, schema.Stores) ?? columnStore;
                }
                await foreach (var stored in ReadColumnAsync(schema, tableName, attribute.Name, cancellationToken).ConfigureAwait(false))
                {
                    var refs = innermost is null ? StoredReferences.FromJson(stored) : innermost.ReferencedPaths(stored);
                    foreach (var r in refs)
                    {
                        var effective = string.IsNullOrEmpty(r.Store) ? columnStore : r.Store;
                        if (string.Equals(effective, storeName, StringComparison.Ordinal)) result.Add(r.Path);
                    }
                }
            }
        }
        return result.ToList();
    }

    private static async IAsyncEnumerable<object> ReadColumnAsync(Schema schema, string table, string column,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var d = schema.Dialect;
        await using var conn = await schema.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var quoted = d.Quote(column);
        await using var cmd = d.Select([new SelectColumn(quoted, column)], new SqlFragment(d.QualifiedName(schema.Database, table), []),
            [new SqlFragment(d.IsNotNull(quoted), [])]).CreateCommand(conn);
        DbDataReader reader;
        try
        {
            reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new DataJointException($"Garbage collection: cannot read column `{column}` of `{schema.Database}`.`{table}`: {ex.Message}", ex);
        }
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                yield return reader.GetValue(0);
        }
    }
}
