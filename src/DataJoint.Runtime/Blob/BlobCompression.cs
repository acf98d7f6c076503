using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace DataJoint;

/// <summary>The <c>ZL123\0</c> envelope: zlib (RFC 1950) through System.IO.Compression.ZLibStream.</summary>
internal static class BlobCompression
{
    /// <summary>"ZL123\0".</summary>
    public static ReadOnlySpan<byte> Magic => "ZL123\0"u8;

    /// <summary>
    /// zlib level 2. With .NET's zlib-ng it is as fast as level 1 (<see cref="CompressionLevel.Fastest"/>,
    /// which uses a static-Huffman "quick" strategy) but compresses numeric data much better, and is several
    /// times faster than level 6 for a slightly larger result. Any valid zlib stream is readable by DataJoint
    /// Python and MATLAB (measurements in docs/blob.md).
    /// </summary>
    public const int DefaultLevel = 2;

    /// <summary>Deflate cannot expand data by more than about 1032:1, so a larger declared size is a lie.</summary>
    private const long MaxInflateRatio = 1032;

    private const int ChunkSize = 1 << 20;

    /// <summary>
    /// DataJoint Python's rule: try only when the blob is longer than 1000 bytes, keep only if strictly
    /// smaller. Returns null when the blob should be stored as is.
    /// </summary>
    public static byte[]? TryCompress(ReadOnlySpan<byte> blob, int level)
    {
        if (blob.Length <= Blob.CompressionThreshold) return null;
        if (blob.Length >= ProbeMinLength && !SampleCompresses(blob, default, level)) return null;
        int limit = blob.Length - 1; // the whole envelope must be strictly smaller
        byte[] buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var sink = new BoundedSink(buffer, Magic.Length + 8, limit);
            using (var z = new ZLibStream(sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            {
                for (int offset = 0; offset < blob.Length && !sink.Overflowed; offset += ChunkSize)
                    z.Write(blob.Slice(offset, Math.Min(ChunkSize, blob.Length - offset)));
            }
            if (sink.Overflowed) return null;
            Magic.CopyTo(buffer);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(Magic.Length), (ulong)blob.Length);
            return buffer.AsSpan(0, sink.Written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Blobs at least this long are probed before the full compression attempt.</summary>
    internal const int ProbeMinLength = 256 * 1024;

    /// <summary>The probe deflates this many slices of <see cref="ProbeSliceLength"/> bytes, spread over the blob.</summary>
    internal const int ProbeSlices = 4;

    internal const int ProbeSliceLength = 8 * 1024;

    /// <summary>
    /// Cheap compressibility probe for large blobs: deflates four 8 KiB slices spread evenly over the blob (its head,
    /// its end and two between) as one stream and gives up on the whole blob when they do not shrink by at least 2%.
    /// Incompressible payloads (noise, already-compressed images) then cost a 32 KiB deflate (about 0.1 ms) instead
    /// of deflating the whole value only to throw the result away. A departure from Python's rule only for large
    /// blobs whose compressible parts all fall between the slices; those are stored uncompressed, which every
    /// DataJoint client reads.
    /// </summary>
    /// <param name="head">The blob's first bytes (or the whole blob).</param>
    /// <param name="tail">The bytes after <paramref name="head"/> (a split blob's data), or empty.</param>
    /// <param name="level">zlib level.</param>
    internal static bool SampleCompresses(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, int level)
    {
        const int sampleLength = ProbeSlices * ProbeSliceLength;
        long total = (long)head.Length + tail.Length;
        if (total < sampleLength) throw new ArgumentException("The probe needs a blob of at least " + sampleLength + " bytes.", nameof(tail));
        int limit = sampleLength - sampleLength / 50;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(limit + ProbeSliceLength);
        try
        {
            var sink = new BoundedSink(buffer, 0, limit);
            var joined = buffer.AsSpan(limit, ProbeSliceLength); // a slice that straddles head and tail
            using (var z = new ZLibStream(sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            {
                long step = (total - ProbeSliceLength) / (ProbeSlices - 1);
                for (int i = 0; i < ProbeSlices; i++)
                {
                    long start = step * i;
                    if (start + ProbeSliceLength <= head.Length) z.Write(head.Slice((int)start, ProbeSliceLength));
                    else if (start >= head.Length) z.Write(tail.Slice((int)(start - head.Length), ProbeSliceLength));
                    else
                    {
                        var first = head.Slice((int)start);
                        first.CopyTo(joined);
                        tail.Slice(0, ProbeSliceLength - first.Length).CopyTo(joined.Slice(first.Length));
                        z.Write(joined);
                    }
                }
            }
            return !sink.Overflowed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool IsCompressed(ReadOnlySpan<byte> data) => data.StartsWith(Magic);

    /// <summary>
    /// Inflates a <c>ZL123\0</c> envelope into a buffer rented from the pool (caller returns it). The
    /// declared size is checked against the options' bound and the deflate ratio limit before allocating,
    /// and the inflated size must match it exactly.
    /// </summary>
    public static unsafe byte[] Inflate(ReadOnlySpan<byte> data, BlobReadOptions options, out int length)
    {
        int sizeWidth = options.Use32BitDims ? 4 : 8;
        int headerLength = Magic.Length + sizeWidth;
        if (data.Length < headerLength)
            throw new DataJointException($"Invalid blob: at offset {Magic.Length} expected the {sizeWidth}-byte uncompressed length of a compressed blob, found only {data.Length - Magic.Length} bytes.");
        ulong declared = options.Use32BitDims
            ? BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(Magic.Length))
            : BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(Magic.Length));
        long compressedLength = data.Length - headerLength;
        ulong plausible = (ulong)Math.Min(options.MaxUncompressedLength, compressedLength * MaxInflateRatio + 64);
        if (declared > plausible)
            throw new DataJointException($"Invalid blob: at offset {Magic.Length} the declared uncompressed length {declared} is not plausible for {compressedLength} compressed bytes (limit {plausible}).");
        length = (int)declared;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            int total = 0;
            fixed (byte* p = data.Slice(headerLength))
            {
                using var input = new UnmanagedMemoryStream(p, compressedLength);
                using var z = new ZLibStream(input, CompressionMode.Decompress);
                while (total < length)
                {
                    int read = z.Read(buffer, total, length - total);
                    if (read == 0) break;
                    total += read;
                }
                if (total == length)
                {
                    Span<byte> probe = stackalloc byte[1];
                    if (z.Read(probe) != 0)
                        throw new DataJointException($"Invalid blob: the compressed data inflates to more than the declared {length} bytes (blob size mismatch).");
                }
            }
            if (total != length)
                throw new DataJointException($"Invalid blob: blob size mismatch: expected {length} bytes after inflating, got {total}.");
            // zlib checks the Adler-32 trailer when it is there, but a stream cut inside (or before) the
            // trailer inflates silently. Require the checksum to be present: normally the last 4 bytes;
            // DataJoint Python also tolerates bytes after the stream, so accept it further back too.
            Span<byte> check = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(check, Adler32(buffer.AsSpan(0, length)));
            var stream = data.Slice(headerLength);
            if (!stream.EndsWith(check) && stream.LastIndexOf(check) < 2)
                throw new DataJointException($"Invalid blob: the zlib stream after offset {headerLength} is truncated (its Adler-32 checksum is missing).");
            return buffer;
        }
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new DataJointException($"Invalid blob: the zlib stream after offset {headerLength} is corrupt: {e.Message}", e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Adler-32 (RFC 1950). Hand-written: System.IO.Compression does not expose the checksum, and there is
    /// no Adler-32 in System.IO.Hashing. Sums are reduced every 5552 bytes (the largest run that cannot overflow).
    /// </summary>
    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Mod = 65521;
        const int MaxRun = 5552;
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, MaxRun);
            var run = data[..n];
            int i = 0;
            for (; i + 4 <= n; i += 4)
            {
                a += run[i]; b += a;
                a += run[i + 1]; b += a;
                a += run[i + 2]; b += a;
                a += run[i + 3]; b += a;
            }
            for (; i < n; i++)
            {
                a += run[i];
                b += a;
            }
            a %= Mod;
            b %= Mod;
            data = data[n..];
        }
        return (b << 16) | a;
    }

    /// <summary>A write-only stream into a fixed array that records (instead of growing) when the limit is passed.</summary>
    private sealed class BoundedSink(byte[] buffer, int start, int limit) : Stream
    {
        public int Written { get; private set; } = start;

        public bool Overflowed { get; private set; }

        public override void Write(ReadOnlySpan<byte> data)
        {
            if (Overflowed) return;
            if (data.Length > limit - Written)
            {
                Overflowed = true;
                return;
            }
            data.CopyTo(buffer.AsSpan(Written));
            Written += data.Length;
        }

        public override void Write(byte[] data, int offset, int count) => Write(data.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
