using System.Text.Json;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>Every vector of Data/blob-vectors.json, one test case each.</summary>
[TestFixture]
public class BlobVectorTests
{
    private static BlobReadOptions OptionsFor(BlobVector v) => new() { Use32BitDims = v.Use32BitDims };

    [Test]
    public void The_vector_file_is_found_and_complete()
    {
        Assert.That(BlobVectors.All, Has.Count.GreaterThanOrEqualTo(95), "the file held 95 vectors when these tests were written");
        Assert.That(BlobVectors.All.Select(v => v.Name), Is.Unique);
    }

    [TestCaseSource(typeof(BlobVectors), nameof(BlobVectors.Cases))]
    public void Decodes_to_its_described_meaning(BlobVector v)
    {
        object? value = DataJoint.Blob.Unpack(v.Bytes, OptionsFor(v));
        string? error;
        if (v.Meaning.TryGetProperty("matlab_value", out var matlab))
        {
            error = MeaningMatcher.MatchMatlab(matlab, value);
            if (error is null && v.Name == "matlab_complex_double_3d_fftn")
                error = MatchFftn(v.Meaning.GetProperty("python_decoded"), (BlobArray<double>)value!);
        }
        else if (v.Meaning.TryGetProperty("python_decoded", out var pythonDecoded))
        {
            error = MeaningMatcher.Match(pythonDecoded, value);
        }
        else if (v.Name == "np_char_2x2")
        {
            // Python's char writer emits row-major bytes (quirk Q3): the bytes really hold the transposed
            // matrix, which is what every reader (Python included) decodes.
            error = MeaningMatcher.Match(v.PythonDecodesAs!.Value, value);
        }
        else
        {
            error = MeaningMatcher.Match(v.Meaning, value);
        }
        Assert.That(error, Is.Null, v.Name);
    }

    [TestCaseSource(typeof(BlobVectors), nameof(BlobVectors.Cases))]
    public void Reencodes_to_identical_uncompressed_bytes(BlobVector v)
    {
        object? value = DataJoint.Blob.Unpack(v.Bytes, OptionsFor(v));
        byte[] repacked = DataJoint.Blob.Pack(value, compress: false);
        if (v.Use32BitDims)
        {
            // The legacy 32-bit layout is read-only: the value re-encodes in the standard 64-bit layout.
            Assert.That(repacked, Has.Length.GreaterThan(v.UncompressedBytes.Length));
            Assert.That(DataJoint.Blob.Unpack(repacked), Is.EqualTo(value));
            return;
        }
        Assert.That(Convert.ToHexString(repacked), Is.EqualTo(Convert.ToHexString(v.UncompressedBytes)));
        Assert.That(repacked.AsSpan(0, 3).SequenceEqual(System.Text.Encoding.ASCII.GetBytes(v.Protocol)), Is.True, "protocol header");
    }

    [TestCaseSource(typeof(BlobVectors), nameof(BlobVectors.StandardLayoutCases))]
    public void Default_pack_makes_the_same_compression_decision(BlobVector v)
    {
        object? value = DataJoint.Blob.Unpack(v.Bytes, OptionsFor(v));
        byte[] packed = DataJoint.Blob.Pack(value);
        // This one was packed by Python with compress=False; with compression on, it compresses.
        bool expectCompressed = v.Compressed || v.Name == "uncompressed_when_compress_false";
        Assert.That(DataJoint.Blob.IsCompressed(packed), Is.EqualTo(expectCompressed));
        if (expectCompressed)
        {
            Assert.That(packed, Has.Length.LessThan(v.UncompressedBytes.Length));
            Assert.That(Convert.ToHexString(DataJoint.Blob.Decompress(packed)), Is.EqualTo(Convert.ToHexString(v.UncompressedBytes)));
            Assert.That(Convert.ToHexString(packed.AsSpan(0, 14)), Is.EqualTo(Convert.ToHexString(v.Compressed ? v.Bytes.AsSpan(0, 14) : [.. "ZL123\0"u8, .. BitConverter.GetBytes((ulong)v.Bytes.Length)])));
        }
        else
        {
            Assert.That(Convert.ToHexString(packed), Is.EqualTo(Convert.ToHexString(v.Bytes)));
        }
    }

    [TestCaseSource(typeof(BlobVectors), nameof(BlobVectors.Cases))]
    public void Compressed_vectors_inflate_to_their_uncompressed_bytes(BlobVector v)
    {
        byte[] inflated = DataJoint.Blob.Decompress(v.Bytes);
        Assert.That(Convert.ToHexString(inflated), Is.EqualTo(Convert.ToHexString(v.UncompressedBytes)));
        Assert.That(DataJoint.Blob.IsCompressed(v.Bytes), Is.EqualTo(v.Compressed));
        if (v.Compressed)
            Assert.That(DataJoint.Blob.Unpack(v.Bytes), Is.EqualTo(DataJoint.Blob.Unpack(v.UncompressedBytes)).Using<object?>(SameValue));
    }

    private static bool SameValue(object? a, object? b) =>
        a is List<object?> la && b is List<object?> lb ? la.SequenceEqual(lb) : Equals(a, b);

    private static string? MatchFftn(JsonElement pythonDecoded, BlobArray<double> actual)
    {
        // Python's view loses the sign of zero imaginary parts (quirk Q5), so compare numerically here;
        // the byte-identical re-encoding test proves the -0.0 parts are kept.
        var pairs = pythonDecoded.GetProperty("values_flat_column_major(byte order)").EnumerateArray().ToList();
        if (!actual.IsComplex || pairs.Count != actual.Length) return "expected 24 complex values";
        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs[i][0].GetDouble() != actual.Data[i] || Math.Abs(pairs[i][1].GetDouble() - actual.Imaginary![i]) > 0)
                return $"element {i}: expected {pairs[i]}, got ({actual.Data[i]}, {actual.Imaginary![i]})";
        }
        bool hasNegativeZero = actual.Imaginary!.Any(x => x == 0 && double.IsNegative(x));
        return hasNegativeZero ? null : "expected some -0.0 imaginary parts (MATLAB wrote them)";
    }
}
