namespace DataJoint.Stores;

/// <summary>What a garbage-collection pass found (and, unless a dry run, deleted) in one store.</summary>
public sealed record GcReport
{
    public bool DryRun { get; init; }
    public int HashPathsReferenced { get; init; }
    public int HashPathsStored { get; init; }
    public int HashPathsOrphaned => OrphanedHashPaths.Count;
    public long HashOrphanedBytes { get; init; }
    public IReadOnlyList<string> OrphanedHashPaths { get; init; } = [];
    public int SchemaPathsReferenced { get; init; }
    public int SchemaPathsStored { get; init; }
    public int SchemaPathsOrphaned => OrphanedSchemaPaths.Count;
    public long SchemaOrphanedBytes { get; init; }
    public IReadOnlyList<string> OrphanedSchemaPaths { get; init; } = [];
    public int HashPathsDeleted { get; init; }
    public int SchemaPathsDeleted { get; init; }
    public int Deleted => HashPathsDeleted + SchemaPathsDeleted;
    public long BytesFreed { get; init; }
    /// <summary>Deletion failures (path: message).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    /// <summary>Listing failures; any of them makes a non-dry run refuse to delete.</summary>
    public IReadOnlyList<string> ScanErrors { get; init; } = [];
    /// <summary>Orphaned objects (hash + schema-addressed).</summary>
    public int OrphanCount => HashPathsOrphaned + SchemaPathsOrphaned;
    /// <summary>Bytes of orphaned objects.</summary>
    public long OrphanedBytes => HashOrphanedBytes + SchemaOrphanedBytes;
}

/// <summary>
/// Finds objects of a store that no table row references, per schema: hash objects under
/// <c>{hash_prefix}/{schema}/</c> (files named like a content hash) and everything under <c>{schema_prefix}/{schema}/</c>.
/// The caller supplies the referenced paths (collected by following each column's whole codec chain, so custom codecs
/// that chain to <c>&lt;hash@&gt;</c> are counted). A schema-addressed file is kept if it, or the folder it lies in, is
/// referenced; <c>X.manifest.json</c> is kept if <c>X</c> is. Dry run by default.
/// </summary>
internal static class StoreGarbageCollector
{
    /// <summary>Scans <paramref name="store"/> for <paramref name="schemas"/> and reports (or with <paramref name="dryRun"/> false, deletes) orphans.</summary>
    public static async Task<GcReport> CollectAsync(IObjectStore store, IEnumerable<string> schemas, IEnumerable<string> referencedPaths,
        bool dryRun = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(schemas);
        ArgumentNullException.ThrowIfNull(referencedPaths);
        var spec = store.Spec;
        var hashPrefix = spec.HashPrefix.Trim('/');
        var schemaPrefix = spec.SchemaPrefix.Trim('/');
        var refs = new HashSet<string>(referencedPaths.Select(p => p.TrimStart('/').TrimEnd('/')), StringComparer.Ordinal);
        var hashRefs = refs.Where(p => StorePaths.IsHashFileName(p) && (hashPrefix.Length == 0 || p.StartsWith(hashPrefix + "/", StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);
        var schemaRefs = refs.Where(p => !hashRefs.Contains(p)).ToHashSet(StringComparer.Ordinal);

        var scanErrors = new List<string>();
        var hashStored = new List<StoreObjectInfo>();
        var schemaStored = new List<StoreObjectInfo>();
        foreach (var schema in schemas.Distinct(StringComparer.Ordinal))
        {
            var hashRoot = (hashPrefix.Length == 0 ? "" : hashPrefix + "/") + schema + "/";
            // Only files at exactly this schema's hash layout (folds included): an object of another schema whose folder
            // lies below this one (a schema named "a/b" written by another client) is not this schema's orphan.
            await ListInto(store, hashRoot, hashStored, scanErrors, o => IsOwnHashPath(o.Path, schema, spec), cancellationToken).ConfigureAwait(false);
            var schemaRoot = (schemaPrefix.Length == 0 ? "" : schemaPrefix + "/") + schema + "/";
            await ListInto(store, schemaRoot, schemaStored, scanErrors, _ => true, cancellationToken).ConfigureAwait(false);
        }

        var hashOrphans = hashStored.Where(o => !hashRefs.Contains(o.Path)).ToList();
        var schemaOrphans = schemaStored.Where(o => !IsCovered(o.Path, schemaRefs)).ToList();
        var report = new GcReport
        {
            DryRun = dryRun,
            HashPathsReferenced = hashRefs.Count,
            HashPathsStored = hashStored.Count,
            OrphanedHashPaths = hashOrphans.Select(o => o.Path).ToList(),
            HashOrphanedBytes = hashOrphans.Sum(o => o.Size),
            SchemaPathsReferenced = schemaRefs.Count,
            SchemaPathsStored = schemaStored.Count,
            OrphanedSchemaPaths = schemaOrphans.Select(o => o.Path).ToList(),
            SchemaOrphanedBytes = schemaOrphans.Sum(o => o.Size),
            ScanErrors = scanErrors,
        };
        if (dryRun) return report;
        if (scanErrors.Count > 0)
            throw new DataJointException($"Refusing to delete: {scanErrors.Count} scan error(s) — {string.Join("; ", scanErrors)}");

        var errors = new List<string>();
        int hashDeleted = 0, schemaDeleted = 0;
        long freed = 0;
        foreach (var (orphans, isHash) in new[] { (hashOrphans, true), (schemaOrphans, false) })
            foreach (var o in orphans)
            {
                try
                {
                    await store.DeleteAsync(o.Path, cancellationToken).ConfigureAwait(false);
                    if (isHash) hashDeleted++; else schemaDeleted++;
                    freed += o.Size;
                }
                catch (Exception ex) when (ex is DataJointException or IOException or UnauthorizedAccessException or Minio.Exceptions.MinioException)
                {
                    errors.Add($"{o.Path}: {ex.Message}");
                }
            }
        return report with { HashPathsDeleted = hashDeleted, SchemaPathsDeleted = schemaDeleted, BytesFreed = freed, Errors = errors };
    }

    private static bool IsOwnHashPath(string path, string schema, StoreSpec spec)
    {
        if (!StorePaths.IsHashFileName(path)) return false;
        var hash = path[(path.LastIndexOf('/') + 1)..];
        return string.Equals(StorePaths.BuildHashPath(hash, schema, spec.Subfolding, spec.HashPrefix), path, StringComparison.Ordinal);
    }

    /// <summary>True if <paramref name="path"/> (or, for <c>X.manifest.json</c>, <c>X</c>) is referenced or lies under a referenced folder.</summary>
    internal static bool IsCovered(string path, IReadOnlySet<string> referenced)
    {
        if (referenced.Contains(path)) return true;
        if (path.EndsWith(StorePaths.ManifestSuffix, StringComparison.Ordinal)
            && referenced.Contains(path[..^StorePaths.ManifestSuffix.Length]))
            return true;
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            if (referenced.Contains(path[..slash])) return true;
        return false;
    }

    private static async Task ListInto(IObjectStore store, string prefix, List<StoreObjectInfo> into, List<string> errors,
        Func<StoreObjectInfo, bool> filter, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var o in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                if (filter(o)) into.Add(o);
        }
        catch (Exception ex) when (ex is DataJointException or IOException or UnauthorizedAccessException or Minio.Exceptions.MinioException)
        {
            errors.Add($"listing {store.Spec.FullPath(prefix)}: {ex.Message}");
        }
    }
}
