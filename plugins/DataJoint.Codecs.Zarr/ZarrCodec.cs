using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using DataJoint.Stores;
using ZstdSharp;

namespace DataJoint.Zarr;

/// <summary>
/// <c>&lt;zarr@&gt;</c> / <c>&lt;zarr@store&gt;</c>: an N-d numeric array stored as a Zarr v3 array — <c>zarr.json</c> plus one
/// zstd-compressed object per chunk (<c>c/0/0</c>...) — under the row's schema-addressed path
/// <c>_schema/{schema}/{table}/{pk=v...}/{field}_{token}.zarr</c>, readable by zarr-python 3 and any Zarr v3 reader.
/// The column holds the same JSON as the Python plugin's (<see cref="ZarrColumn"/>). Fetch returns a lazy
/// <see cref="ZarrArrayRef"/>: shape and dtype without I/O, and reads that fetch only the chunks they touch.
/// Store-only, like the Python plugin.
/// </summary>
[Codec("zarr", InStore = "json", InTableError = "<zarr> requires @ (store only)")]
public sealed partial class ZarrCodec : AsyncCodec<object, JsonElement>
{
    /// <summary>Largest chunk this codec writes (decoded bytes).</summary>
    public const long MaxChunkBytes = 512L << 20;

    private static readonly ConcurrentBag<Compressor> Compressors = [];

    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        var source = ZarrSource.From(value);
        if (value is ZarrInput { ChunkShape: { } chunks }) _ = ChunkShapeFor(source, chunks);
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        var input = value as ZarrInput ?? new ZarrInput(value);
        var source = ZarrSource.From(input);
        var metadata = new ZarrArrayMetadata
        {
            Shape = source.Shape, DataType = source.DataType, ChunkShape = ChunkShapeFor(source, input.ChunkShape),
            Compressor = "zstd", CompressionLevel = input.CompressionLevel, FillValue = new byte[source.DataType.ItemSize],
            Attributes = input.Attributes ?? [],
        };
        var store = context.GetStore();
        var path = ObjectLocation.For(context).BuildPath(store.Spec, ".zarr");
        var written = new ConcurrentQueue<string>();
        try
        {
            await ParallelUploads.ForEachAsync(ZarrChunkGrid.AllChunks(metadata.GridShape), Math.Max(1, input.MaxParallelism), async (chunk, ct) =>
            {
                var key = path + "/" + metadata.ChunkKey(chunk);
                var (buffer, length) = CompressChunk(source, metadata, chunk);
                try
                {
                    await using var stream = new MemoryStream(buffer, 0, length, writable: false);
                    await store.PutAsync(key, stream, length, ct).ConfigureAwait(false);
                    written.Enqueue(key);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }, cancellationToken).ConfigureAwait(false);

            // zarr.json last: a reader never finds array metadata whose chunks are still being written.
            var json = metadata.ToJson();
            await using (var stream = new MemoryStream(json, writable: false))
                await store.PutAsync(path + "/zarr.json", stream, json.Length, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var key in written)
                try { await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false); } catch (DataJointException) { }
            throw;
        }
        return new ZarrColumn(path, store.Name, source.Shape, source.DataType.Name, ZarrColumn.OwnProvenance).ToJson();
    }

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var where = $"<zarr> attribute '{context.Attribute ?? "?"}' of table `{context.Schema ?? "?"}`.`{context.Table ?? "?"}`";
        var column = ZarrColumn.Parse(stored, where);
        return new ValueTask<object>(new ZarrArrayRef(column, context.GetStore(column.Store)));
    }

    /// <summary>Copies one chunk out of the source (padding edge chunks with the fill value) and zstd-compresses it into a rented buffer.</summary>
    private static (byte[] Buffer, int Length) CompressChunk(ZarrSource source, ZarrArrayMetadata metadata, long[] chunk)
    {
        var chunkBytes = (int)metadata.ChunkBytes;
        var raw = ArrayPool<byte>.Shared.Rent(chunkBytes);
        var output = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(chunkBytes));
        try
        {
            var rank = source.Shape.Length;
            Span<long> start = stackalloc long[rank];
            Span<long> count = stackalloc long[rank];
            Span<long> chunkShape = stackalloc long[rank];
            Span<long> zero = stackalloc long[rank];
            zero.Clear();
            var partial = false;
            for (var d = 0; d < rank; d++)
            {
                chunkShape[d] = metadata.ChunkShape[d];
                start[d] = chunk[d] * chunkShape[d];
                count[d] = Math.Min(chunkShape[d], source.Shape[d] - start[d]);
                partial |= count[d] < chunkShape[d];
            }
            if (partial) ZarrChunkGrid.Fill(raw.AsSpan(0, chunkBytes), metadata.FillValue);
            ZarrChunkGrid.CopyBox(ref source.Data, source.Shape, start, ref raw[0], chunkShape, zero, count, source.DataType.ItemSize);

            if (!Compressors.TryTake(out var compressor)) compressor = new Compressor(metadata.CompressionLevel);
            else if (compressor.Level != metadata.CompressionLevel) compressor.Level = metadata.CompressionLevel;
            var length = compressor.Wrap(raw.AsSpan(0, chunkBytes), output);
            Compressors.Add(compressor);
            return (output, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(output);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>The given chunk shape (checked), or one that halves the longest dimension until a chunk is at most 4 MiB.</summary>
    private static int[] ChunkShapeFor(ZarrSource source, int[]? requested)
    {
        var rank = source.Shape.Length;
        if (requested is not null)
        {
            if (requested.Length != rank || requested.Any(c => c <= 0))
                throw new DataJointException(
                    $"<zarr> chunk shape [{string.Join(", ", requested)}] does not fit an array of shape [{string.Join(", ", source.Shape)}]: give one positive length per dimension.");
            var bytes = requested.Aggregate((long)source.DataType.ItemSize, (a, c) => a * c);
            if (bytes > MaxChunkBytes)
                throw new DataJointException($"<zarr> chunk shape [{string.Join(", ", requested)}] makes chunks of {bytes} bytes; at most {MaxChunkBytes} are supported.");
            return requested;
        }
        var chunks = source.Shape.Select(n => (long)Math.Max(1, n)).ToArray();
        while (chunks.Aggregate((long)source.DataType.ItemSize, (a, c) => a * c) > ZarrInput.DefaultChunkBytes)
        {
            var longest = Array.IndexOf(chunks, chunks.Max());
            chunks[longest] = (chunks[longest] + 1) / 2;
        }
        return [.. chunks.Select(c => (int)c)];
    }
}
