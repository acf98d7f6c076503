using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using DataJoint.Stores;
using ZstdSharp;

namespace DataJoint.Zarr;

/// <summary>
/// A lazy Zarr v3 array in a store, returned when fetching a <c>&lt;zarr@&gt;</c> column (or opened with <see cref="Open"/>).
/// <see cref="Shape"/> and <see cref="Dtype"/> come from the column (no I/O); <c>zarr.json</c> is read once, on the first
/// read; each read fetches only the chunks it touches, in parallel.
/// <code>
/// ZarrArrayRef movie = row.Movie;
/// float[] frame = await movie.ReadAsync&lt;float&gt;(start: [10, 0, 0], count: [1, 512, 512]);   // the chunks of frame 10 only
/// float[,,] all = (float[,,])await movie.ToArrayAsync();
/// </code>
/// </summary>
public sealed class ZarrArrayRef
{
    private readonly string _where;
    private Task<ZarrArrayMetadata>? _metadata;

    /// <summary>The array a <c>&lt;zarr@&gt;</c> column describes, in <paramref name="store"/>.</summary>
    public ZarrArrayRef(ZarrColumn column, IObjectStore store)
    {
        Column = column ?? throw new ArgumentNullException(nameof(column));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        _where = $"Zarr array {column.Path} in store '{store.Name}'";
    }

    /// <summary>A Zarr v3 array at <paramref name="path"/> of <paramref name="store"/> (e.g. one written by zarr-python); shape and dtype are read from its <c>zarr.json</c>.</summary>
    public static async Task<ZarrArrayRef> Open(IObjectStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var probe = new ZarrArrayRef(new ZarrColumn(path, store.Name, [], "", new Dictionary<string, string>()), store);
        var metadata = await probe.GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        return new ZarrArrayRef(new ZarrColumn(path, store.Name, metadata.Shape, metadata.DataType.Name, new Dictionary<string, string>()), store)
        {
            _metadata = Task.FromResult(metadata),
        };
    }

    /// <summary>The column metadata.</summary>
    public ZarrColumn Column { get; }

    /// <summary>The store holding the array.</summary>
    public IObjectStore Store { get; }

    /// <summary>The array's folder (store-relative).</summary>
    public string Path => Column.Path;

    /// <summary>The array's shape (from the column, no I/O).</summary>
    public IReadOnlyList<long> Shape => Column.Shape;

    /// <summary>The NumPy/Zarr dtype name (<c>float32</c>...; from the column, no I/O).</summary>
    public string Dtype => Column.Dtype;

    /// <summary>Number of elements.</summary>
    public long Length => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The array's <c>zarr.json</c> (read once).</summary>
    public Task<ZarrArrayMetadata> GetMetadataAsync(CancellationToken cancellationToken = default) =>
        _metadata ??= ReadMetadataAsync(cancellationToken);

    private async Task<ZarrArrayMetadata> ReadMetadataAsync(CancellationToken cancellationToken)
    {
        Encoded? json;
        try
        {
            json = await ReadObjectAsync(Path + "/zarr.json", cancellationToken).ConfigureAwait(false)
                   ?? throw new DataJointException($"{_where} has no zarr.json (it is missing or is not a Zarr v3 array).");
        }
        catch
        {
            _metadata = null; // a failed read may be retried
            throw;
        }
        try
        {
            return ZarrArrayMetadata.Parse(json.Value.Span, _where);
        }
        finally
        {
            json.Value.Return();
        }
    }

    /// <summary>The decoded elements of one chunk (full chunk shape, C order; the padding of edge chunks holds the fill value).</summary>
    public async Task<T[]> ReadChunkAsync<T>(long[] chunkIndex, CancellationToken cancellationToken = default) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(chunkIndex);
        var metadata = await GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        CheckElementType<T>(metadata);
        var grid = metadata.GridShape;
        if (chunkIndex.Length != grid.Length || chunkIndex.Where((c, d) => c < 0 || c >= grid[d]).Any())
            throw new DataJointException($"{_where}: chunk [{string.Join(", ", chunkIndex)}] is outside the chunk grid [{string.Join(", ", grid)}].");
        var result = new T[metadata.ChunkElements];
        var key = Path + "/" + metadata.ChunkKey(chunkIndex);
        var encoded = await ReadObjectAsync(key, cancellationToken).ConfigureAwait(false);
        DecodeInto(metadata, key, encoded, MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>
    /// The elements of the box at <paramref name="start"/> with extent <paramref name="count"/>, in C order, fetching only
    /// the chunks the box touches (at most <paramref name="maxParallelism"/> at once).
    /// </summary>
    public async Task<T[]> ReadAsync<T>(long[] start, long[] count, int maxParallelism = 8, CancellationToken cancellationToken = default) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(count);
        var metadata = await GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        CheckElementType<T>(metadata);
        var rank = metadata.Shape.Count;
        if (start.Length != rank || count.Length != rank
            || Enumerable.Range(0, rank).Any(d => start[d] < 0 || count[d] < 0 || start[d] + count[d] > metadata.Shape[d]))
            throw new DataJointException(
                $"{_where}: the region start [{string.Join(", ", start)}] count [{string.Join(", ", count)}] is outside the shape [{string.Join(", ", metadata.Shape)}].");
        var total = count.Aggregate(1L, (a, b) => a * b);
        if (total * metadata.DataType.ItemSize > Array.MaxLength)
            throw new DataJointException($"{_where}: a region of {total} elements does not fit one .NET array; read it in parts.");
        var result = new T[total];
        if (total == 0) return result;

        var first = new long[rank];
        var last = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            first[d] = start[d] / metadata.ChunkShape[d];
            last[d] = (start[d] + count[d] - 1) / metadata.ChunkShape[d] + 1;
        }
        await ParallelUploads.ForEachAsync(ZarrChunkGrid.ChunksOverlapping(first, last), Math.Max(1, maxParallelism), async (chunk, ct) =>
        {
            var key = Path + "/" + metadata.ChunkKey(chunk);
            var encoded = await ReadObjectAsync(key, ct).ConfigureAwait(false);
            var bytes = MemoryMarshal.AsBytes(result.AsSpan());
            if (ContiguousOffset(metadata, chunk, start, count) is { } offset)
            {
                // The whole chunk is one run of the result: decode straight into it.
                DecodeInto(metadata, key, encoded, bytes.Slice(checked((int)(offset * metadata.DataType.ItemSize)), (int)metadata.ChunkBytes));
                return;
            }
            var decoded = ArrayPool<byte>.Shared.Rent(Math.Max((int)metadata.ChunkBytes, 1));
            try
            {
                DecodeInto(metadata, key, encoded, decoded.AsSpan(0, (int)metadata.ChunkBytes));
                CopyOut(metadata, chunk, decoded, start, count, result);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The element offset in the result of a chunk that lies wholly inside the box and is one contiguous run of it (its
    /// dimensions after the first longer than 1 span the box), else null.
    /// </summary>
    private static long? ContiguousOffset(ZarrArrayMetadata metadata, long[] chunk, long[] start, long[] count)
    {
        var rank = chunk.Length;
        long offset = 0, stride = 1;
        var spanning = true;
        for (var d = rank - 1; d >= 0; d--)
        {
            var size = metadata.ChunkShape[d];
            var at = chunk[d] * size - start[d];
            if (at < 0 || at + size > count[d]) return null;   // not wholly inside the box
            if (!spanning && size > 1) return null;            // a longer dimension outside a spanned suffix
            if (size != count[d]) spanning = false;
            offset += at * stride;
            stride *= count[d];
        }
        return offset;
    }

    /// <summary>The whole array, flat in C order.</summary>
    public Task<T[]> ReadAllAsync<T>(CancellationToken cancellationToken = default) where T : unmanaged =>
        ReadAsync<T>(new long[Shape.Count], [.. Shape], cancellationToken: cancellationToken);

    /// <summary>The whole array as a .NET array of its rank and element type (<c>float[,,]</c>...).</summary>
    public async Task<Array> ToArrayAsync(CancellationToken cancellationToken = default)
    {
        var metadata = await GetMetadataAsync(cancellationToken).ConfigureAwait(false);
        var type = metadata.DataType.ClrType;
        if (metadata.DataType == NpyDtype.Complex64)
            throw new DataJointException($"{_where}: complex64 has no .NET element type; read it with ReadAllAsync<float>() (real/imaginary pairs).");
        var flat = type == typeof(float) ? await ReadAllAsync<float>(cancellationToken).ConfigureAwait(false)
            : type == typeof(double) ? await ReadAllAsync<double>(cancellationToken).ConfigureAwait(false)
            : type == typeof(short) ? await ReadAllAsync<short>(cancellationToken).ConfigureAwait(false)
            : type == typeof(ushort) ? await ReadAllAsync<ushort>(cancellationToken).ConfigureAwait(false)
            : type == typeof(int) ? await ReadAllAsync<int>(cancellationToken).ConfigureAwait(false)
            : type == typeof(uint) ? await ReadAllAsync<uint>(cancellationToken).ConfigureAwait(false)
            : type == typeof(long) ? await ReadAllAsync<long>(cancellationToken).ConfigureAwait(false)
            : type == typeof(ulong) ? await ReadAllAsync<ulong>(cancellationToken).ConfigureAwait(false)
            : type == typeof(sbyte) ? await ReadAllAsync<sbyte>(cancellationToken).ConfigureAwait(false)
            : type == typeof(byte) ? await ReadAllAsync<byte>(cancellationToken).ConfigureAwait(false)
            : type == typeof(bool) ? await ReadAllAsync<bool>(cancellationToken).ConfigureAwait(false)
            : type == typeof(Half) ? await ReadAllAsync<Half>(cancellationToken).ConfigureAwait(false)
            : (Array)await ReadAllAsync<System.Numerics.Complex>(cancellationToken).ConfigureAwait(false);
        if (metadata.Shape.Count <= 1) return flat;
        var shaped = Array.CreateInstance(type, [.. metadata.Shape.Select(n => checked((int)n))]);
        var bytes = (nuint)(flat.LongLength * metadata.DataType.ItemSize);
        System.Runtime.CompilerServices.Unsafe.CopyBlockUnaligned(
            ref MemoryMarshal.GetArrayDataReference(shaped), ref MemoryMarshal.GetArrayDataReference(flat), (uint)bytes);
        return shaped;
    }

    /// <summary>The store-relative path.</summary>
    public override string ToString() => Path;

    private void CheckElementType<T>(ZarrArrayMetadata metadata) where T : unmanaged
    {
        var expected = metadata.DataType.ClrType;
        if (typeof(T) != expected)
            throw new DataJointException($"{_where} holds {metadata.DataType.Name} elements; read them as {expected.Name}, not {typeof(T).Name}.");
    }

    /// <summary>Copies the part of a decoded chunk that lies in the requested box into the result.</summary>
    private static void CopyOut<T>(ZarrArrayMetadata metadata, long[] chunk, byte[] decoded, long[] start, long[] count, T[] result) where T : unmanaged
    {
        var rank = chunk.Length;
        Span<long> chunkShape = stackalloc long[rank];
        Span<long> inChunk = stackalloc long[rank];
        Span<long> inResult = stackalloc long[rank];
        Span<long> extent = stackalloc long[rank];
        for (var d = 0; d < rank; d++)
        {
            chunkShape[d] = metadata.ChunkShape[d];
            var chunkStart = chunk[d] * chunkShape[d];
            var from = Math.Max(chunkStart, start[d]);
            var to = Math.Min(chunkStart + chunkShape[d], start[d] + count[d]);
            inChunk[d] = from - chunkStart;
            inResult[d] = from - start[d];
            extent[d] = to - from;
        }
        ZarrChunkGrid.CopyBox(ref decoded[0], chunkShape, inChunk,
            ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(result.AsSpan())), count, inResult, extent, metadata.DataType.ItemSize);
    }

    /// <summary>Decodes one chunk object into <paramref name="into"/> (exactly one chunk's bytes); a missing object is the fill value. Returns the encoded buffer to the pool.</summary>
    private void DecodeInto(ZarrArrayMetadata metadata, string key, Encoded? encoded, Span<byte> into)
    {
        if (encoded is not { } e)
        {
            ZarrChunkGrid.Fill(into, metadata.FillValue);
            return;
        }
        try
        {
            var n = metadata.Compressor switch
            {
                "zstd" => Unzstd(e.Span, into, key),
                "gzip" => Gunzip(e, into),
                _ => Copy(e.Span, into),
            };
            if (n != into.Length)
                throw new DataJointException($"{_where}: chunk {key} decodes to {n} bytes, expected {into.Length}.");
            if (metadata.BigEndian) SwapToLittleEndian(into, metadata.DataType);
        }
        finally
        {
            e.Return();
        }
    }

    private int Unzstd(ReadOnlySpan<byte> encoded, Span<byte> into, string key)
    {
        using var decompressor = new Decompressor();
        try { return decompressor.Unwrap(encoded, into); }
        catch (ZstdException e) { throw new DataJointException($"{_where}: chunk {key} is not a valid zstd frame ({e.Message}).", e); }
    }

    private static int Gunzip(Encoded encoded, Span<byte> into)
    {
        using var gzip = new GZipStream(new MemoryStream(encoded.Buffer, 0, encoded.Length, writable: false), CompressionMode.Decompress);
        var total = 0;
        int n;
        while (total < into.Length && (n = gzip.Read(into[total..])) > 0) total += n;
        return total;
    }

    private static int Copy(ReadOnlySpan<byte> encoded, Span<byte> into)
    {
        encoded[..Math.Min(encoded.Length, into.Length)].CopyTo(into);
        return encoded.Length;
    }

    private static void SwapToLittleEndian(Span<byte> data, NpyDtype dtype)
    {
        var width = dtype.Name.StartsWith("complex", StringComparison.Ordinal) ? dtype.ItemSize / 2 : dtype.ItemSize;
        switch (width)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(data), MemoryMarshal.Cast<byte, ushort>(data)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(data), MemoryMarshal.Cast<byte, uint>(data)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(data), MemoryMarshal.Cast<byte, ulong>(data)); break;
        }
    }

    /// <summary>A whole store object in a rented buffer (<see cref="Encoded.Return"/> gives it back), or null when it does not exist.</summary>
    private async Task<Encoded?> ReadObjectAsync(string key, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (DataJointException)
        {
            // Zarr writers may omit chunks that hold only the fill value: absence is not an error, other failures are.
            if (await Store.GetSizeAsync(key, cancellationToken).ConfigureAwait(false) is null) return null;
            throw;
        }
        await using (stream.ConfigureAwait(false))
        {
            // Sized streams (files) are read into a buffer of their length; others grow one.
            var buffer = ArrayPool<byte>.Shared.Rent(stream.CanSeek ? (int)Math.Max(1, stream.Length - stream.Position) : 1 << 16);
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (n == 0) return new Encoded(buffer, length);
                    length += n;
                }
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
    }

    /// <summary>An encoded object's bytes in a rented buffer.</summary>
    private readonly record struct Encoded(byte[] Buffer, int Length)
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
