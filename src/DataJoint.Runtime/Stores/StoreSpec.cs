namespace DataJoint.Stores;

/// <summary>
/// One entry of the <c>stores</c> configuration section, with DataJoint Python's defaults applied
/// (<c>token_length=8</c>, <c>hash_prefix="_hash"</c>, <c>schema_prefix="_schema"</c>, s3 <c>secure=true</c>).
/// Built and validated by <see cref="StoresConfiguration"/>; construct directly only in tests.
/// </summary>
public sealed record StoreSpec
{
    /// <summary>The store's name (the key in the <c>stores</c> section).</summary>
    public string Name { get; init; } = "";
    /// <summary><c>file</c> or <c>s3</c> (gcs/azure are recognised but have no backend here).</summary>
    public string Protocol { get; init; } = "file";
    /// <summary>File: the root folder. S3: the key prefix inside the bucket (may be empty).</summary>
    public string Location { get; init; } = "";
    /// <summary>S3 endpoint, <c>host:port</c> or a URL; without a scheme <see cref="Secure"/> decides.</summary>
    public string? Endpoint { get; init; }
    public string? Bucket { get; init; }
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    /// <summary>Use TLS for S3 (default true, as in DataJoint Python).</summary>
    public bool Secure { get; init; } = true;
    /// <summary>S3 region (not a DataJoint Python key; default <c>us-east-1</c>).</summary>
    public string? Region { get; init; }
    public string? ProxyServer { get; init; }
    /// <summary>
    /// S3: how long to wait for a TCP connection to the endpoint (key <c>connect_timeout</c>, seconds; default 10 s).
    /// Not a DataJoint Python key.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;
    /// <summary>
    /// S3: how long one request may take until its answer starts, and how long a download may stall between two reads
    /// (key <c>request_timeout</c>, seconds; default 120 s). A multipart upload applies it to each part. Not a DataJoint
    /// Python key.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;
    /// <summary>The default <see cref="ConnectTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);
    /// <summary>The default <see cref="RequestTimeout"/>: 120 seconds.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(120);
    /// <summary>Hash path folding, e.g. [2, 2] → <c>_hash/{schema}/ab/cd/{hash}</c>; null for flat.</summary>
    public IReadOnlyList<int>? Subfolding { get; init; }
    /// <summary>Primary-key attributes (<c>{attr}</c> placeholders) that go before <c>{schema}</c> in schema-addressed paths.</summary>
    public string? PartitionPattern { get; init; }
    /// <summary>Random token length of schema-addressed paths (clamped to 4..16 when used).</summary>
    public int TokenLength { get; init; } = 8;
    public string HashPrefix { get; init; } = "_hash";
    public string SchemaPrefix { get; init; } = "_schema";
    /// <summary>If set, <c>&lt;filepath@&gt;</c> paths must lie under this prefix.</summary>
    public string? FilepathPrefix { get; init; }
    /// <summary>
    /// File stores: create the <see cref="Location"/> folder (and its parents) when it does not exist, instead of refusing
    /// it (key <c>create_location</c>, default false). DataJoint Python refuses a missing folder, which protects against
    /// writing into an empty local folder where a network drive should be mounted; set this only where that cannot
    /// happen. Not a DataJoint Python key (Python refuses it).
    /// </summary>
    public bool CreateLocation { get; init; }
    /// <summary>Staging folder (accepted for compatibility; unused here).</summary>
    public string? Stage { get; init; }

    /// <summary>A local-folder store spec (tests, samples).</summary>
    public static StoreSpec LocalFolder(string name, string location) => new() { Name = name, Protocol = "file", Location = location };

    /// <summary>
    /// Where <paramref name="path"/> lives, for messages: <c>{location}/{path}</c> for files,
    /// <c>s3://{bucket}/{location}/{path}</c> for S3.
    /// </summary>
    public string FullPath(string path)
    {
        if (Protocol == "file")
            return System.IO.Path.Combine(Location, path.Replace('/', System.IO.Path.DirectorySeparatorChar));
        var loc = Location.Trim('/');
        return $"{Protocol}://{Bucket}/" + (loc.Length == 0 ? path : loc + "/" + path);
    }
}
