using System.Buffers.Binary;
using BlobApi = DataJoint.Blob;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>
/// Hostile input: truncations, bit flips, overwritten length fields and random bytes (fixed seeds). The only
/// acceptable failure is DataJointException, and no decode may allocate much more than its input justifies.
/// </summary>
[TestFixture]
public class BlobFuzzTests
{
    private int _decoded;
    private int _rejected;
    private string? LastDecoded;

    [SetUp]
    public void Reset()
    {
        _decoded = 0;
        _rejected = 0;
    }

    private void Feed(byte[] input, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            BlobApi.Unpack(input);
            _decoded++;
            LastDecoded = what;
        }
        catch (DataJointException)
        {
            _rejected++;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} instead of DataJointException: {e.Message}\ninput {Convert.ToHexString(input)}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Raw input: decoded values cost a bounded multiple of their bytes. Compressed input may inflate
        // (bounded by deflate's ~1032:1 ratio), into a pooled buffer.
        long budget = BlobApi.IsCompressed(input) ? 1100L * input.Length + (1 << 20) : 64L * input.Length + (64 << 10);
        if (allocated > budget)
            Assert.Fail($"{what}: decoding {input.Length} bytes allocated {allocated} bytes (budget {budget})\ninput {Convert.ToHexString(input)}");
    }

    [Test]
    public void Every_truncation_of_every_vector_is_rejected_cleanly()
    {
        foreach (var v in BlobVectors.All)
        {
            var source = v.Bytes.Length > 2000 ? v.Bytes.AsSpan(0, 2000).ToArray() : v.Bytes;
            for (int len = 0; len < source.Length; len++)
                Feed(source.AsSpan(0, len).ToArray(), $"{v.Name} truncated to {len}");
            foreach (var body in new[] { v.UncompressedBytes })
                for (int len = 0; len < Math.Min(body.Length, 600); len++)
                    Feed(body.AsSpan(0, len).ToArray(), $"{v.Name} (uncompressed) truncated to {len}");
        }
        Assert.That(_rejected, Is.GreaterThan(10_000));
        // A prefix is never a complete blob (every element must use all bytes), except none at all.
        Assert.That(_decoded, Is.EqualTo(0), LastDecoded);
    }

    [Test]
    public void Random_mutations_of_every_vector_raise_only_DataJointException()
    {
        var random = new Random(20261125);
        foreach (var v in BlobVectors.All)
        {
            byte[] body = v.UncompressedBytes;
            for (int round = 0; round < 300; round++)
            {
                byte[] m = (byte[])body.Clone();
                int kind = random.Next(4);
                switch (kind)
                {
                    case 0: // flip bytes
                        for (int k = 0, n = random.Next(1, 4); k < n; k++) m[random.Next(m.Length)] ^= (byte)random.Next(1, 256);
                        break;
                    case 1: // overwrite a u64 with an absurd or off-by-a-little length
                        if (m.Length >= 12)
                        {
                            int at = random.Next(4, m.Length - 8);
                            ulong value = random.Next(3) switch
                            {
                                0 => ulong.MaxValue - (ulong)random.Next(100),
                                1 => (ulong)random.NextInt64(0, 1L << 40),
                                _ => BinaryPrimitives.ReadUInt64LittleEndian(m.AsSpan(at)) + (ulong)random.Next(-2, 3),
                            };
                            BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(at), value);
                        }
                        break;
                    case 2: // overwrite a u32 (class ids, field counts, complex flags)
                        if (m.Length >= 8)
                            BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(random.Next(4, m.Length - 3)), (uint)random.Next(-5, 70000));
                        break;
                    default: // splice random bytes in
                        int pos = random.Next(4, m.Length + 1);
                        var insert = new byte[random.Next(1, 16)];
                        random.NextBytes(insert);
                        m = [.. m.AsSpan(0, pos), .. insert, .. m.AsSpan(pos)];
                        break;
                }
                Feed(m, $"{v.Name} mutation {round} (kind {kind})");
            }
        }
        Assert.That(_decoded + _rejected, Is.EqualTo(BlobVectors.All.Count * 300));
        Assert.That(_rejected, Is.GreaterThan(BlobVectors.All.Count * 100), "most mutations are invalid blobs");
    }

    [Test]
    public void Random_bytes_after_each_header_raise_only_DataJointException()
    {
        var random = new Random(42);
        byte[][] headers = [[.. "mYm\0"u8], [.. "dj0\0"u8], []];
        byte[] codes = [(byte)'A', (byte)'S', (byte)'C', (byte)'F', (byte)'P', 0xFF, 1, 2, 3, 4, 5, 6, 0x0A, 0x0B, 0x0C, 0x0D, (byte)'d', (byte)'t', (byte)'u', 0x42];
        for (int i = 0; i < 20_000; i++)
        {
            var tail = new byte[random.Next(0, 64)];
            random.NextBytes(tail);
            // Small numbers are likelier to be read as plausible lengths and dims: bias some bytes to 0..3.
            for (int k = 0; k < tail.Length; k++) if (random.Next(3) == 0) tail[k] = (byte)random.Next(4);
            byte[] input = [.. headers[i % 3], codes[random.Next(codes.Length)], .. tail];
            Feed(input, $"random input {i}");
        }
        Assert.That(_decoded + _rejected, Is.EqualTo(20_000));
    }

    [Test]
    public void Hostile_compressed_envelopes_are_refused_before_allocating()
    {
        byte[] valid = BlobApi.Pack(new double[5000]);
        Assert.That(BlobApi.IsCompressed(valid), Is.True);
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] m = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0: BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(6), (ulong)random.NextInt64()); break;
                case 1: m[random.Next(14, m.Length)] ^= (byte)random.Next(1, 256); break;
                case 2: m = m.AsSpan(0, random.Next(6, m.Length)).ToArray(); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(6), 40_029UL + (ulong)random.Next(-3, 4)); break;
            }
            Feed(m, $"compressed mutation {i}");
        }
        var lie = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(lie.AsSpan(6), 1UL << 40);
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(lie));
        Assert.That(ex!.Message, Does.Contain("not plausible"));
        var shorter = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(shorter.AsSpan(6), 40_028);
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(shorter));
        Assert.That(ex!.Message, Does.Contain("more than the declared"));
        var longer = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(longer.AsSpan(6), 40_030);
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack(longer));
        Assert.That(ex!.Message, Does.Contain("size mismatch"));
    }

    [Test]
    public void Error_messages_name_the_offset_and_what_was_expected()
    {
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack("XYZ\0\u00ff"u8));
        Assert.That(ex!.Message, Is.EqualTo("Invalid blob: at offset 0 of the blob expected the protocol header \"mYm\\0\" or \"dj0\\0\", found bytes 58595A00."));
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack("dj0\0\u0042"u8));
        Assert.That(ex!.Message, Is.EqualTo("Invalid blob: at offset 4 of the blob expected a known data structure code, found 0x42 (unknown data structure code)."));
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack([.. "dj0\0"u8, 5, 9, 0, 0, 0, 0, 0, 0, 0, 65]));
        Assert.That(ex!.Message, Is.EqualTo("Invalid blob: at offset 5 of the blob expected a string byte length that fits in the remaining bytes, found 9 with only 1 bytes left."));
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack([.. "dj0\0"u8, 0xFF, 0]));
        Assert.That(ex!.Message, Does.Contain("at offset 5").And.Contain("blob length check failed"));
        // Deep nesting is refused, not a stack overflow: 5000 nested one-item lists around None.
        byte[] inner = [0xFF];
        for (int i = 0; i < 5000; i++)
        {
            var level = new byte[17 + inner.Length];
            level[0] = 2;
            BinaryPrimitives.WriteUInt64LittleEndian(level.AsSpan(1), 1);
            BinaryPrimitives.WriteUInt64LittleEndian(level.AsSpan(9), (ulong)inner.Length);
            inner.CopyTo(level, 17);
            inner = level;
        }
        ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack([.. "dj0\0"u8, .. inner]));
        Assert.That(ex!.Message, Does.Contain("expected at most 1000 nested containers"));
    }
}
