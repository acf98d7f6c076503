namespace DataJoint.Stores;

/// <summary>
/// <c>&lt;filepath@store&gt;</c>: a reference to a file or folder the user manages in a store. DataJoint never copies or
/// deletes it; it only checks the path and records <c>{"path", "store", "size", "is_dir", "timestamp"}</c>.
/// </summary>
internal static class FilepathReference
{
    /// <summary>
    /// Rejects paths inside DataJoint's managed sections (<c>hash_prefix</c>, <c>schema_prefix</c>) and paths outside
    /// <c>filepath_prefix</c> when one is set (the texts DataJoint Python raises).
    /// </summary>
    public static void Validate(string path, StoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(spec);
        var normalized = path.TrimStart('/');
        foreach (var (key, prefix) in new[] { ("hash_prefix", spec.HashPrefix), ("schema_prefix", spec.SchemaPrefix) })
        {
            var p = (prefix ?? "").Trim('/');
            if (p.Length > 0 && (normalized == p || normalized.StartsWith(p + "/", StringComparison.Ordinal)))
                throw new DataJointException(
                    $"<filepath@> cannot use reserved section '{p}' ({key}). This section is managed by DataJoint. Got path: {path}");
        }
        if (spec.FilepathPrefix is { } fp && fp.Trim('/').Length > 0)
        {
            var f = fp.Trim('/');
            if (normalized != f && !normalized.StartsWith(f + "/", StringComparison.Ordinal))
                throw new DataJointException($"<filepath@> must use prefix '{f}' (filepath_prefix). Got path: {path}");
        }
    }

    /// <summary>
    /// Validates <paramref name="path"/>, checks it exists in <paramref name="store"/> (a file, or a folder = any object
    /// under <c>path/</c>) and returns its metadata (size null for folders).
    /// Missing → <c>File not found in store 's': path</c>.
    /// </summary>
    public static async Task<ObjectMetadata> CreateAsync(IObjectStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        Validate(path, store.Spec);
        var relative = StorePaths.Normalize(path, store.Name);
        var size = await store.GetSizeAsync(relative, cancellationToken).ConfigureAwait(false);
        var isDir = false;
        if (size is null)
        {
            await foreach (var _ in store.ListAsync(relative.TrimEnd('/') + "/", cancellationToken).ConfigureAwait(false))
            {
                isDir = true;
                break;
            }
            if (!isDir) throw new DataJointException($"File not found in store '{store.Name}': {path}");
        }
        return new ObjectMetadata
        {
            ObjectPath = path, StoreName = store.Name, Size = size, IsDir = isDir, Timestamp = DateTimeOffset.UtcNow, IsFilepath = true,
        };
    }
}
