using System.Runtime.CompilerServices;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace DataJoint.Stores;

/// <summary>
/// A store in an S3 bucket (path-style addressing) through the Minio SDK: object <c>{path}</c> is the key
/// <c>{location}/{path}</c> in <c>{bucket}</c>. Reads stream the response body (no ranged GETs: Minio 7.0.0's
/// <c>WithOffsetAndLength</c> is broken); uploads of unknown or large length use the SDK's multipart upload.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly IMinioClient _client;
    private readonly bool _ownsClient;
    private readonly string _bucket;
    private readonly string _prefix;

    /// <summary>Connects to the S3 store described by <paramref name="spec"/> (protocol <c>s3</c>).</summary>
    public S3ObjectStore(StoreSpec spec) : this(spec, CreateClient(spec), ownsClient: true) { }

    /// <summary>Uses an existing Minio client (the caller keeps ownership) for the store described by <paramref name="spec"/>.</summary>
    public S3ObjectStore(StoreSpec spec, IMinioClient client) : this(spec, client, ownsClient: false) { }

    private S3ObjectStore(StoreSpec spec, IMinioClient client, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(client);
        if (spec.Protocol != "s3")
            throw new Settings.SettingsException($"Store '{spec.Name}' has protocol \"{spec.Protocol}\"; an S3 store needs protocol \"s3\".");
        if (string.IsNullOrWhiteSpace(spec.Bucket))
            throw new Settings.SettingsException($"Missing S3 configuration in config.stores[\"{spec.Name}\"]: bucket is required.");
        Spec = spec;
        _client = client;
        _ownsClient = ownsClient;
        _bucket = spec.Bucket;
        var loc = spec.Location.Trim('/');
        _prefix = loc.Length == 0 ? "" : loc + "/";
    }

    /// <summary>
    /// Builds a Minio client for the spec: endpoint (a scheme overrides <c>secure</c>), keys, region (default us-east-1),
    /// proxy, <see cref="StoreSpec.ConnectTimeout"/> for TCP connections and <see cref="StoreSpec.RequestTimeout"/> per request.
    /// </summary>
    public static IMinioClient CreateClient(StoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Endpoint))
            throw new Settings.SettingsException($"Missing S3 configuration in config.stores[\"{spec.Name}\"]: endpoint is required.") { Store = spec.Name };
        var endpoint = spec.Endpoint.Trim();
        var secure = spec.Secure;
        if (endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { secure = true; endpoint = endpoint["https://".Length..]; }
        else if (endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) { secure = false; endpoint = endpoint["http://".Length..]; }
        endpoint = endpoint.TrimEnd('/');
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = spec.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        if (!string.IsNullOrEmpty(spec.ProxyServer))
        {
            handler.Proxy = new System.Net.WebProxy(spec.ProxyServer);
            handler.UseProxy = true;
        }
        // The client's own timeout stays off: Minio applies RequestTimeout to each request (multipart parts included),
        // and downloads check it between reads (a large object may take longer than one request timeout in all).
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new MinioClient().WithEndpoint(endpoint).WithSSL(secure)
            .WithRegion(string.IsNullOrEmpty(spec.Region) ? "us-east-1" : spec.Region)
            .WithHttpClient(http, disposeHttpClient: true)
            .WithTimeout((int)Math.Min(int.MaxValue, spec.RequestTimeout.TotalMilliseconds));
        if (spec.AccessKey is not null) client = client.WithCredentials(spec.AccessKey, spec.SecretKey);
        return client.Build();
    }

    /// <inheritdoc />
    public string Name => Spec.Name;

    /// <inheritdoc />
    public StoreSpec Spec { get; }

    private string Key(string path) => _prefix + StorePaths.Normalize(path, Name);

    /// <inheritdoc />
    public async Task PutAsync(string path, Stream content, long? length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var size = length ?? (content.CanSeek ? content.Length - content.Position : -1);
        var args = new PutObjectArgs().WithBucket(_bucket).WithObject(Key(path))
            .WithStreamData(content).WithObjectSize(size).WithContentType("application/octet-stream");
        try
        {
            await _client.PutObjectAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, "write", path, cancellationToken) is { } dj)
        {
            throw dj;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        // Minio hands the response body to a callback and closes it when the callback returns; bridge that to a
        // Stream the caller owns: the callback parks until the caller disposes the returned stream.
        var ready = new TaskCompletionSource<Stream>(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var args = new GetObjectArgs().WithBucket(_bucket).WithObject(Key(path))
            .WithCallbackStream(async (body, _) =>
            {
                ready.TrySetResult(body);
                await released.Task.ConfigureAwait(false);
            });
        var download = _client.GetObjectAsync(args, cancellationToken);
        Task first;
        try
        {
            first = await Task.WhenAny(ready.Task, download).ConfigureAwait(false);
            if (first == download && !ready.Task.IsCompleted)
            {
                await download.ConfigureAwait(false);
                throw new StoreException($"Cannot read {Spec.FullPath(path)} (store '{Name}'): the S3 client returned no body.")
                {
                    Store = Name,
                    ObjectPath = path,
                };
            }
        }
        catch (Exception ex) when (Translate(ex, "read", path, cancellationToken) is { } dj)
        {
            throw dj;
        }
        return new BridgedStream(await ready.Task.ConfigureAwait(false), released, download, this, path);
    }

    /// <inheritdoc />
    public async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(_bucket).WithObject(Key(path)), cancellationToken).ConfigureAwait(false);
            return stat.Size;
        }
        catch (Exception ex) when (IsObjectNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (Translate(ex, "check", path, cancellationToken) is { } dj)
        {
            throw dj;
        }
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetLastModifiedAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            var stat = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(_bucket).WithObject(Key(path)), cancellationToken).ConfigureAwait(false);
            return stat.LastModified == default ? null : new DateTimeOffset(DateTime.SpecifyKind(stat.LastModified.ToUniversalTime(), DateTimeKind.Utc));
        }
        catch (Exception ex) when (IsObjectNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (Translate(ex, "check", path, cancellationToken) is { } dj)
        {
            throw dj;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(_bucket).WithObject(Key(path)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsObjectNotFound(ex))
        {
        }
        catch (Exception ex) when (Translate(ex, "delete", path, cancellationToken) is { } dj)
        {
            throw dj;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoreObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var args = new ListObjectsArgs().WithBucket(_bucket).WithPrefix(_prefix + (prefix ?? "")).WithRecursive(true);
        var items = _client.ListObjectsEnumAsync(args, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false)) yield break;
                }
                catch (Exception ex) when (Translate(ex, "list", prefix ?? "", cancellationToken) is { } dj)
                {
                    throw dj;
                }
                var item = items.Current;
                if (item.IsDir || !item.Key.StartsWith(_prefix, StringComparison.Ordinal)) continue;
                yield return new StoreObjectInfo(item.Key[_prefix.Length..], (long)item.Size);
            }
        }
    }

    /// <summary>An object (not the bucket) is missing.</summary>
    private static bool IsObjectNotFound(Exception ex) =>
        ex is ObjectNotFoundException || (ex is MinioException m && m is not BucketNotFoundException && m.Response?.Code is "NoSuchKey" or "NotFound");

    /// <summary>
    /// The SDK's or network's exception as a <see cref="StoreException"/> subtype naming the store, the object and what
    /// was being done; null for a cancellation the caller asked for (rethrown as it is).
    /// </summary>
    internal DataJointException? Translate(Exception ex, string action, string path, CancellationToken cancellationToken)
    {
        if (ex is DataJointException) return null;
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) return null;
        var what = $"Cannot {action} {Spec.FullPath(path)} (store '{Name}', endpoint {Spec.Endpoint})";
        StoreException result = ex switch
        {
            OperationCanceledException or TimeoutException =>
                new StoreTimeoutException($"{what}: no answer within the timeouts (connect {Spec.ConnectTimeout.TotalSeconds:0.###} s, " +
                                          $"request {Spec.RequestTimeout.TotalSeconds:0.###} s; settings connect_timeout, request_timeout).", ex),
            ObjectNotFoundException => new MissingExternalFileException($"Missing external file {Spec.FullPath(path)} (store '{Name}', path '{path}').", ex),
            BucketNotFoundException => new BucketInaccessibleException($"{what}: the bucket '{_bucket}' does not exist.", ex),
            Minio.Exceptions.AccessDeniedException or AuthorizationException or ForbiddenException or CredentialsProviderException =>
                new StoreAccessDeniedException($"{what}: access denied — check access_key and secret_key ({ex.Message}).", ex),
            HttpRequestException or System.Net.Sockets.SocketException or IOException or ConnectionException =>
                new StoreUnavailableException($"{what}: the endpoint cannot be reached ({ex.Message}).", ex),
            InternalServerException => new StoreUnavailableException($"{what}: server error ({ex.Message}).", ex),
            MinioException { ServerResponse.StatusCode: >= System.Net.HttpStatusCode.InternalServerError } m =>
                new StoreUnavailableException($"{what}: server error {(int)m.ServerResponse!.StatusCode} ({ex.Message}).", ex),
            MinioException { ServerResponse.StatusCode: System.Net.HttpStatusCode.Forbidden } =>
                new StoreAccessDeniedException($"{what}: access denied ({ex.Message}).", ex),
            _ => new StoreException($"{what}: {ex.Message}", ex),
        };
        return result.At(Name, path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    /// <summary>
    /// The response body; disposing it lets the SDK's callback return and surfaces any download error. A read that
    /// waits longer than <see cref="StoreSpec.RequestTimeout"/> fails with <see cref="StoreTimeoutException"/>, and a
    /// broken connection with <see cref="StoreUnavailableException"/>.
    /// </summary>
    private sealed class BridgedStream(Stream inner, TaskCompletionSource released, Task download, S3ObjectStore store, string path) : Stream
    {
        private bool _disposed;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (Exception ex) when (store.Translate(ex, "read", path, CancellationToken.None) is { } dj)
            {
                throw dj;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(store.Spec.RequestTimeout);
            try
            {
                return await inner.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (store.Translate(ex, "read", path, cancellationToken) is { } dj)
            {
                throw dj;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed && disposing)
            {
                _disposed = true;
                released.TrySetResult();
                try { download.GetAwaiter().GetResult(); } catch (Exception) { /* the body was already handed over */ }
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                released.TrySetResult();
                try { await download.ConfigureAwait(false); } catch (Exception) { /* the body was already handed over */ }
            }
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
