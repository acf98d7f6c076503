namespace DataJoint.Stores;

/// <summary>
/// One configured object store (a local folder or an S3 bucket/location), addressed by paths relative to
/// the store's root (the DataJoint paths: <c>_hash/{schema}/{hash}</c>, <c>_schema/{schema}/{table}/...</c>).
/// All I/O is async and streams; implementations never buffer a whole object in memory beyond one part.
/// </summary>
public interface IObjectStore
{
    /// <summary>The store's configured name (the <c>main</c> in <c>&lt;blob@main&gt;</c>).</summary>
    string Name { get; }

    /// <summary>The store's validated configuration (layout options: prefixes, subfolding, token length...).</summary>
    StoreSpec Spec { get; }

    /// <summary>
    /// Writes (or overwrites) the object at <paramref name="path"/> from <paramref name="content"/>;
    /// <paramref name="length"/> is the content length when known (lets S3 choose single or multipart upload), else null.
    /// </summary>
    Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading. Throws <see cref="DataJointException"/> naming the store and path if it is missing.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Size in bytes, or null if there is no such object.</summary>
    Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// When the object was last written (UTC), or null when there is no such object or the store cannot tell. Used by
    /// <see cref="ObjectRef.VerifyAsync"/> to see objects changed after their row recorded them.
    /// </summary>
    Task<DateTimeOffset?> GetLastModifiedAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult<DateTimeOffset?>(null);

    /// <summary>Deletes the object; a missing object is not an error.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists objects whose path starts with <paramref name="prefix"/> (recursively; a prefix ending in <c>/</c>
    /// lists a folder). Paths are store-relative POSIX paths.
    /// </summary>
    IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>A listed object: its store-relative path and size.</summary>
public readonly record struct StoreObjectInfo(string Path, long Size);

/// <summary>Resolves store names to stores. A null or empty name means the default store.</summary>
public interface IStoreProvider
{
    /// <summary>The name the default store resolves to (written into metadata instead of an empty name).</summary>
    string? DefaultStoreName { get; }

    /// <summary>The store a bare <c>&lt;filepath@&gt;</c> resolves to (<c>stores.filepath_default</c>); null: <see cref="DefaultStoreName"/>.</summary>
    string? FilepathDefaultStoreName => null;

    /// <summary>The store with this name (null/empty: the default). Throws <see cref="DataJointException"/> if not configured.</summary>
    IObjectStore GetStore(string? name);

    /// <summary>The store of a <c>&lt;filepath@name&gt;</c> column: a null/empty name is <c>stores.filepath_default</c>.</summary>
    IObjectStore GetFilepathStore(string? name) => GetStore(string.IsNullOrEmpty(name) ? FilepathDefaultStoreName : name);
}
