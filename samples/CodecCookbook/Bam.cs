using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataJoint;
using DataJoint.Stores;

namespace Samples.Cookbook;

/// <summary>One reference sequence named in a BAM header.</summary>
public sealed record BamReference(string Name, long Length);

/// <summary>
/// A BAM file (aligned sequencing reads): a local file to insert (<see cref="Local"/>), or a lazy reference to the stored
/// copy returned by fetch — <see cref="References"/> and <see cref="Size"/> come from the column, and nothing is
/// downloaded until <see cref="ReadHeaderTextAsync"/>, <see cref="OpenReadAsync"/> or <see cref="DownloadAsync"/>.
/// </summary>
public sealed class BamFile
{
    private BamFile(string? localPath, ObjectRef? stored, IReadOnlyList<BamReference> references)
    {
        LocalPath = localPath;
        Stored = stored;
        References = references;
    }

    /// <summary>A BAM file on this machine, to insert.</summary>
    public static BamFile Local(string path) => new(Path.GetFullPath(path), null, []);

    internal static BamFile FromStore(ObjectRef stored, IReadOnlyList<BamReference> references) => new(null, stored, references);

    /// <summary>The local file (null for a fetched file).</summary>
    public string? LocalPath { get; }

    /// <summary>The stored object (null before insert).</summary>
    public ObjectRef? Stored { get; }

    /// <summary>Reference sequences from the header (recorded at insert; empty for a local file).</summary>
    public IReadOnlyList<BamReference> References { get; }

    /// <summary>File size in bytes.</summary>
    public long? Size => Stored?.Size ?? (LocalPath is null ? null : new FileInfo(LocalPath).Length);

    /// <summary>Opens the file (the stored object streams from the store).</summary>
    public async Task<Stream> OpenReadAsync(CancellationToken ct = default) =>
        Stored is not null ? await Stored.OpenReadAsync(cancellationToken: ct) : File.OpenRead(LocalPath!);

    /// <summary>The SAM header text (<c>@HD</c>, <c>@SQ</c>... lines), reading only the start of the file.</summary>
    public async Task<string> ReadHeaderTextAsync(CancellationToken ct = default)
    {
        await using var stream = await OpenReadAsync(ct);
        return BamHeader.Read(stream, Stored?.Path ?? LocalPath!).Text;
    }

    /// <summary>Downloads the stored file to <paramref name="destination"/> (a folder or a file path); returns the local path.</summary>
    public Task<string> DownloadAsync(string destination, CancellationToken ct = default) =>
        Stored?.DownloadAsync(destination, cancellationToken: ct) ?? throw new InvalidOperationException("This BAM file is local; it has not been stored.");

    public override string ToString() => Stored?.Path ?? LocalPath!;
}

/// <summary>
/// <c>&lt;bam@&gt;</c> / <c>&lt;bam@store&gt;</c>: a store-only file codec in the spirit of DataJoint's <c>&lt;bam&gt;</c> example.
/// An inserted BAM file is checked (BGZF container, <c>BAM\1</c> magic, a readable header) and uploaded as-is to the
/// row's schema-addressed path <c>..._{token}.bam</c>. The column holds the object metadata (<c>path</c>, <c>store</c>,
/// <c>size</c>, <c>ext</c>...) plus the header's reference sequences; fetch returns a lazy <see cref="BamFile"/>.
/// There is no in-table mode (<c>InTable</c> unset), so <c>reads : &lt;bam&gt;</c> in a definition is a compile error
/// (DJ0003) with the text below.
/// </summary>
[Codec("bam", InStore = "json", InTableError = "<bam> requires @: BAM files live in an object store (write <bam@> or <bam@store>)")]
public sealed partial class BamCodec : AsyncCodec<BamFile, JsonElement>
{
    protected override void Validate(BamFile bam)
    {
        if (bam.LocalPath is null) return;   // re-inserting a fetched file keeps its stored copy
        if (!File.Exists(bam.LocalPath)) throw new DataJointException($"<bam>: file not found: {bam.LocalPath}");
        using var file = File.OpenRead(bam.LocalPath);
        _ = BamHeader.Read(file, bam.LocalPath);   // throws saying what is wrong when it is not a BAM file
    }

    protected override async ValueTask<JsonElement> EncodeAsync(BamFile bam, EncodeContext ctx, CancellationToken ct)
    {
        ObjectMetadata metadata;
        IReadOnlyList<BamReference> references;
        if (bam.Stored is not null)
        {
            (metadata, references) = (bam.Stored.Metadata, bam.References);
        }
        else
        {
            await using (var file = File.OpenRead(bam.LocalPath!)) references = BamHeader.Read(file, bam.LocalPath!).References;
            metadata = await ObjectStorage.PutPathAsync(ctx.GetStore(), ObjectLocation.For(ctx), bam.LocalPath!, cancellationToken: ct);
        }
        var json = JsonNode.Parse(metadata.ToJson())!.AsObject();
        json["references"] = new JsonArray([.. references.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["length"] = r.Length })]);
        return JsonSerializer.SerializeToElement(json);
    }

    protected override ValueTask<BamFile> DecodeAsync(JsonElement stored, DecodeContext ctx, CancellationToken ct)
    {
        var metadata = ObjectMetadata.Parse(stored.GetRawText());
        var references = stored.TryGetProperty("references", out var refs)
            ? refs.EnumerateArray().Select(r => new BamReference(r.GetProperty("name").GetString()!, r.GetProperty("length").GetInt64())).ToList()
            : [];
        return new(BamFile.FromStore(new ObjectRef(metadata, ctx.GetStore(metadata.StoreName)), references));
    }
}

/// <summary>The start of a BAM file: magic, SAM header text and reference sequences (SAM/BAM format specification §4.2).</summary>
public sealed record BamHeader(string Text, IReadOnlyList<BamReference> References)
{
    /// <summary>Reads the header from the start of <paramref name="bam"/> (decompressing only the BGZF blocks it spans).</summary>
    public static BamHeader Read(Stream bam, string where)
    {
        Span<byte> gzip = stackalloc byte[18];
        if (bam.ReadAtLeast(gzip, 18, throwOnEndOfStream: false) < 18 || gzip[0] != 0x1f || gzip[1] != 0x8b || (gzip[3] & 4) == 0
            || gzip[12] != (byte)'B' || gzip[13] != (byte)'C')
            throw new DataJointException($"<bam>: {where} is not a BAM file (no BGZF block at its start).");
        using var data = new GZipStream(new ConcatStream(gzip.ToArray(), bam), CompressionMode.Decompress);
        using var reader = new BinaryReader(data);
        try
        {
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual("BAM\u0001"u8))
                throw new DataJointException($"<bam>: {where} is BGZF-compressed but does not start with the BAM magic.");
            var text = Encoding.ASCII.GetString(reader.ReadBytes(CheckedLength(reader.ReadInt32(), where)));
            var count = CheckedLength(reader.ReadInt32(), where);
            var references = new List<BamReference>(count);
            for (var i = 0; i < count; i++)
            {
                var name = Encoding.ASCII.GetString(reader.ReadBytes(CheckedLength(reader.ReadInt32(), where))).TrimEnd('\0');
                references.Add(new BamReference(name, reader.ReadInt32()));
            }
            return new BamHeader(text, references);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new DataJointException($"<bam>: {where} has a truncated or corrupt BAM header ({e.Message}).", e);
        }
    }

    private static int CheckedLength(int n, string where) =>
        n is >= 0 and <= 1 << 26 ? n : throw new DataJointException($"<bam>: {where} has an implausible header length {n}.");

    /// <summary>A minimal BAM file (header, no alignments): one BGZF block plus the standard 28-byte end-of-file block.</summary>
    public static byte[] Write(string samHeader, IReadOnlyList<BamReference> references)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.ASCII, leaveOpen: true))
        {
            w.Write("BAM\u0001"u8);
            w.Write(samHeader.Length);
            w.Write(Encoding.ASCII.GetBytes(samHeader));
            w.Write(references.Count);
            foreach (var r in references)
            {
                w.Write(r.Name.Length + 1);
                w.Write(Encoding.ASCII.GetBytes(r.Name + "\0"));
                w.Write(checked((int)r.Length));
            }
        }
        using var file = new MemoryStream();
        file.Write(BgzfBlock(payload.ToArray()));
        file.Write(EndOfFile);
        return file.ToArray();
    }

    /// <summary>The fixed 28-byte empty BGZF block that ends every BAM file (SAM/BAM specification §4.1.2).</summary>
    private static ReadOnlySpan<byte> EndOfFile =>
        [0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A gzip member with the BGZF extra field ("BC", total block size − 1), made from .NET's gzip output.</summary>
    private static byte[] BgzfBlock(byte[] data)
    {
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        var plain = gz.ToArray();                                     // 10-byte header, deflate data, CRC32, ISIZE
        var block = new byte[plain.Length + 8];
        plain.AsSpan(0, 10).CopyTo(block);
        block[3] |= 4;                                                 // FLG.FEXTRA
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(10), 6);  // XLEN
        block[12] = (byte)'B'; block[13] = (byte)'C';
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(14), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(16), (ushort)(block.Length - 1));
        plain.AsSpan(10).CopyTo(block.AsSpan(18));
        return block;
    }

    /// <summary>Already-read bytes followed by the rest of a stream.</summary>
    private sealed class ConcatStream(byte[] head, Stream tail) : Stream
    {
        private int _at;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_at < head.Length)
            {
                var n = Math.Min(buffer.Length, head.Length - _at);
                head.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }
            return tail.Read(buffer);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
