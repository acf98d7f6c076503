using System.Buffers;

namespace DataJoint.Stores;

/// <summary>
/// Hash-addressed storage (<c>&lt;hash@&gt;</c>, and through it <c>&lt;blob@&gt;</c>/<c>&lt;attach@&gt;</c>): content goes
/// to <c>{hash_prefix}/{schema}/[folds/]{md5-base32}</c>, is uploaded once per schema, and every read re-verifies the
/// hash. An existing object is not rewritten when its size matches the content (and, when verification is asked for,
/// its bytes hash to the same value); a damaged object (other size, or other hash) is replaced by the new upload.
/// </summary>
internal static class HashStorage
{
    /// <summary>Stores <paramref name="content"/> for <paramref name="schema"/> (dedup: skipped if an intact object exists) and returns its column metadata.</summary>
    public static Task<HashMetadata> PutAsync(IObjectStore store, string schema, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        PutCoreAsync(store, schema, content, ReadOnlyMemory<byte>.Empty, uploads: null, cancellationToken);

    /// <summary>
    /// As <see cref="PutAsync(IObjectStore, string, ReadOnlyMemory{byte}, CancellationToken)"/>; with
    /// <paramref name="verifyExistingContent"/> an existing object of the right size is also downloaded and hashed, and
    /// replaced when its bytes changed.
    /// </summary>
    public static Task<HashMetadata> PutAsync(IObjectStore store, string schema, ReadOnlyMemory<byte> content, bool verifyExistingContent,
        CancellationToken cancellationToken = default) =>
        PutCoreAsync(store, schema, content, ReadOnlyMemory<byte>.Empty, uploads: null, cancellationToken, verifyExistingContent);

    /// <summary>
    /// Stores the content <paramref name="head"/> followed by <paramref name="tail"/> (a split blob: its header, then the
    /// value's own memory, never copied into one buffer), handed over by the caller (the built-in <c>&lt;hash@&gt;</c>
    /// codec's encoded value): inside an insert (<paramref name="uploads"/>: the operation's tracker) the upload then runs
    /// in the background while the next value is encoded, and the insert waits for it before writing its rows. A
    /// background upload that fails is reported for <paramref name="owner"/>'s attribute, wherever it surfaces.
    /// </summary>
    internal static Task<HashMetadata> PutOwnedAsync(IObjectStore store, string schema, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail,
        UploadTracker? uploads, EncodeContext? owner, CancellationToken cancellationToken = default) =>
        PutCoreAsync(store, schema, head, tail, uploads, cancellationToken, owner: owner);

    private static async Task<HashMetadata> PutCoreAsync(IObjectStore store, string schema, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail,
        UploadTracker? uploads, CancellationToken cancellationToken, bool verifyExistingContent = false, EncodeContext? owner = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var hash = ContentHash.Compute(head.Span, tail.Span);
        var path = StorePaths.BuildHashPath(hash, schema, store.Spec);
        long size = (long)head.Length + tail.Length;
        verifyExistingContent |= uploads is { VerifyExistingContent: true };
        if (!await IsIntactAsync(store, path, hash, size, verifyExistingContent, cancellationToken).ConfigureAwait(false))
        {
            if (uploads is not null)
            {
                await uploads.PutOwnedAsync(store.Name, path, head, tail, cancellationToken, owner).ConfigureAwait(false);
            }
            else
            {
                await using var stream = new ReadOnlyMemoryStream(head, tail);
                await store.PutAsync(path, stream, size, cancellationToken).ConfigureAwait(false);
            }
        }
        return new HashMetadata(hash, path, schema, store.Name, size);
    }

    /// <summary>
    /// True when the object at <paramref name="path"/> exists with <paramref name="size"/> bytes (and, with
    /// <paramref name="verifyContent"/>, hashes to <paramref name="hash"/>): then it need not be uploaded again. A missing
    /// object, or a damaged one (truncated, overwritten), is false, so the caller's upload replaces it.
    /// </summary>
    internal static async Task<bool> IsIntactAsync(IObjectStore store, string path, string hash, long size, bool verifyContent,
        CancellationToken cancellationToken)
    {
        var existing = await store.GetSizeAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.Value != size) return false;
        return !verifyContent || await ContentHashOfAsync(store, path, cancellationToken).ConfigureAwait(false) == hash;
    }

    /// <summary>The content hash of a stored object (streamed, not buffered).</summary>
    internal static async Task<string> ContentHashOfAsync(IObjectStore store, string path, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        return await ContentHash.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores many contents for one schema (a multi-row insert) and returns their metadata in order. Identical contents
    /// are uploaded once; objects already in the store are not rewritten. On S3 the existence check costs one LIST
    /// request per 1,000 stored objects of the schema instead of one HEAD per content: keys are listed in order, so a
    /// hash that sorts before the last listed key and was not listed is known to be absent. Listing stops after half as
    /// many pages as there are contents; hashes beyond the listed range are checked one by one. Uploads run with at most
    /// <paramref name="maxDegree"/> at once.
    /// </summary>
    public static Task<HashMetadata[]> PutManyAsync(IObjectStore store, string schema, IReadOnlyList<ReadOnlyMemory<byte>> contents,
        int maxDegree = ParallelUploads.DefaultDegree, CancellationToken cancellationToken = default) =>
        PutManyAsync(store, schema, contents, maxDegree, listBudget: null, cancellationToken);

    internal static async Task<HashMetadata[]> PutManyAsync(IObjectStore store, string schema, IReadOnlyList<ReadOnlyMemory<byte>> contents,
        int maxDegree, int? listBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(contents);
        var result = new HashMetadata[contents.Count];
        if (contents.Count == 0) return result;

        // Existence knowledge from one ordered listing of the schema's hash folder (not for folder stores, where a
        // per-file check is a cheap stat). It runs while the hashes are computed.
        var listing = store is LocalObjectStore || contents.Count == 1
            ? Task.FromResult(new Listing(new Dictionary<string, long>(StringComparer.Ordinal), null, false))
            : ListHashFolderAsync(store, schema, listBudget ?? Math.Max(1000, contents.Count / 2 * 1000), cancellationToken);

        // Hashing is pipelined with the uploads: item i+1 is hashed while item i uploads. Only the first item of each
        // distinct path is queued (identical contents upload once).
        var queue = System.Threading.Channels.Channel.CreateUnbounded<int>(new() { SingleReader = maxDegree == 1, SingleWriter = true });
        var hashing = Task.Run(() =>
        {
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                for (var i = 0; i < contents.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var hash = ContentHash.Compute(contents[i].Span);
                    result[i] = new HashMetadata(hash, StorePaths.BuildHashPath(hash, schema, store.Spec), schema, store.Name, contents[i].Length);
                    if (claimed.Add(result[i].HashPath)) queue.Writer.TryWrite(i);
                }
                queue.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                queue.Writer.TryComplete(ex);
                throw;
            }
        }, cancellationToken);

        var known = await listing.ConfigureAwait(false);
        await ParallelUploads.ForEachAsync(queue.Reader.ReadAllAsync(cancellationToken), maxDegree, async (i, ct) =>
        {
            var path = result[i].HashPath;
            if (known.Existing.TryGetValue(path, out var listedSize))
            {
                if (listedSize == contents[i].Length) return; // intact; a damaged object of another size is replaced below
            }
            else
            {
                var knownAbsent = known.Complete || (known.CoveredUpTo is not null && string.CompareOrdinal(path, known.CoveredUpTo) <= 0);
                if (!knownAbsent && await IsIntactAsync(store, path, result[i].Hash, contents[i].Length, false, ct).ConfigureAwait(false)) return;
            }
            await using var stream = new ReadOnlyMemoryStream(contents[i]);
            await store.PutAsync(path, stream, contents[i].Length, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await hashing.ConfigureAwait(false);
        return result;
    }

    /// <summary>What one ordered listing of a hash folder tells: the listed paths, the last one, whether it reached the end.</summary>
    private sealed record Listing(Dictionary<string, long> Existing, string? CoveredUpTo, bool Complete);

    private static async Task<Listing> ListHashFolderAsync(IObjectStore store, string schema, int budget, CancellationToken cancellationToken)
    {
        var hashPrefix = store.Spec.HashPrefix.Trim('/');
        var prefix = (hashPrefix.Length == 0 ? "" : hashPrefix + "/") + schema + "/";
        var existing = new Dictionary<string, long>(StringComparer.Ordinal);
        string? last = null;
        await foreach (var o in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            existing[o.Path] = o.Size;
            last = o.Path;
            if (existing.Count >= budget) return new Listing(existing, last, false);
        }
        return new Listing(existing, last, true);
    }

    /// <summary>
    /// Stores the content of a seekable stream (e.g. a large file) without buffering it: one pass to hash, one to
    /// upload (skipped if the object exists).
    /// </summary>
    public static async Task<HashMetadata> PutAsync(IObjectStore store, string schema, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
            throw new DataJointException($"Hash-addressed upload to store '{store.Name}' needs a seekable stream (it is read twice: hash, then upload).");
        var start = content.Position;
        var hash = await ContentHash.ComputeAsync(content, cancellationToken).ConfigureAwait(false);
        var length = content.Position - start;
        var path = StorePaths.BuildHashPath(hash, schema, store.Spec);
        if (!await IsIntactAsync(store, path, hash, length, verifyContent: false, cancellationToken).ConfigureAwait(false))
        {
            content.Position = start;
            await store.PutAsync(path, content, length, cancellationToken).ConfigureAwait(false);
        }
        return new HashMetadata(hash, path, schema, store.Name, length);
    }

    /// <summary>
    /// Reads a hash-addressed object by its stored <c>path</c> (never recomputed, so layout changes don't break reads)
    /// and verifies its hash: <c>Hash mismatch: expected h, got h2. Data at path may be corrupted.</c>
    /// </summary>
    public static async Task<byte[]> GetAsync(IObjectStore store, HashMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metadata);
        byte[] data;
        await using (var stream = await store.OpenReadAsync(metadata.HashPath, cancellationToken).ConfigureAwait(false))
        {
            var expected = metadata.Size is >= 0 and <= int.MaxValue ? (int)metadata.Size : 0;
            using var buffer = new MemoryStream(expected);
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            data = buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }
        var actual = ContentHash.Compute(data);
        if (actual != metadata.Hash)
            throw new StoreIntegrityException(
                $"Hash mismatch: expected {metadata.Hash}, got {actual}. Data at {metadata.HashPath} may be corrupted (store '{store.Name}').")
            {
                Store = store.Name,
                ObjectPath = metadata.HashPath,
            };
        return data;
    }

    /// <summary>Copies a hash-addressed object to <paramref name="destination"/> while verifying its hash (for large objects).</summary>
    public static async Task CopyToAsync(IObjectStore store, HashMetadata metadata, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(destination);
        using var md5 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using var stream = await store.OpenReadAsync(metadata.HashPath, cancellationToken).ConfigureAwait(false);
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                md5.AppendData(buffer, 0, n);
                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var actual = ContentHash.Base32(md5.GetHashAndReset());
        if (actual != metadata.Hash)
            throw new StoreIntegrityException(
                $"Hash mismatch: expected {metadata.Hash}, got {actual}. Data at {metadata.HashPath} may be corrupted (store '{store.Name}').")
            {
                Store = store.Name,
                ObjectPath = metadata.HashPath,
            };
    }
}

/// <summary>A read-only, seekable stream over one or two <see cref="ReadOnlyMemory{T}"/> segments, read in order (no copy).</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second = default) : Stream
{
    private readonly long _length = (long)first.Length + second.Length;
    private long _position;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => _position = Math.Clamp(value, 0, _length); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (buffer.Length > 0 && _position < _length)
        {
            var segment = _position < first.Length ? first.Span[(int)_position..] : second.Span[(int)(_position - first.Length)..];
            var n = Math.Min(buffer.Length, segment.Length);
            segment[..n].CopyTo(buffer);
            buffer = buffer[n..];
            _position += n;
            total += n;
        }
        return total;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => _length + offset };
        return _position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
