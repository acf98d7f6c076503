using System.Numerics;
using System.Runtime.InteropServices;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>
/// Split blobs (header + the value's own memory) must be byte for byte what <c>Blob.Pack</c> writes, and only large
/// values that stay uncompressed may be split.
/// </summary>
public class BlobSplitTests
{
    private static T[] Random<T>(int count, int seed) where T : unmanaged
    {
        var values = new T[count];
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static IEnumerable<TestCaseData> Splittable()
    {
        yield return new TestCaseData(Random<byte>(300_000, 1)).SetName("bytes");
        yield return new TestCaseData(Random<double>(40_000, 2)).SetName("double[]");
        yield return new TestCaseData(Random<float>(100_000, 3)).SetName("float[]");
        yield return new TestCaseData(Random<int>(100_000, 4)).SetName("int[]");
        yield return new TestCaseData(Random<long>(40_000, 5)).SetName("long[]");
        yield return new TestCaseData(Random<short>(200_000, 6)).SetName("short[]");
        yield return new TestCaseData(Random<sbyte>(300_000, 7)).SetName("sbyte[]");
        yield return new TestCaseData(Random<ushort>(200_000, 8)).SetName("ushort[]");
        yield return new TestCaseData(Random<uint>(100_000, 9)).SetName("uint[]");
        yield return new TestCaseData(Random<ulong>(40_000, 10)).SetName("ulong[]");
        yield return new TestCaseData(new BlobArray<double>(Random<double>(40_000, 11), 400, 100)).SetName("BlobArray<double> 400x100");
        yield return new TestCaseData(new BlobArray<short>(Random<short>(240_000, 12), 20, 30, 400)).SetName("BlobArray<short> 20x30x400");
        yield return new TestCaseData(BlobArray.DateTime64(Random<long>(40_000, 13), BlobClass.DateTime64Nanoseconds, 40_000)).SetName("datetime64[ns]");
    }

    [TestCaseSource(nameof(Splittable))]
    public void LargeIncompressibleValues_SplitIntoExactlyThePackedBytes(object value)
    {
        Assert.That(BlobSplit.TrySplit(value, out var header, out var data), Is.True);
        var joined = header.Concat(data.ToArray()).ToArray();
        Assert.That(joined, Is.EqualTo(DataJoint.Blob.Pack(value)), "the compressing packer keeps these uncompressed too");
        Assert.That(joined, Is.EqualTo(DataJoint.Blob.Pack(value, compress: false)));
        Assert.That(header.Length, Is.LessThan(64));
    }

    [Test]
    public void TheDataIsTheValuesOwnMemory()
    {
        var value = Random<double>(40_000, 21);
        Assert.That(BlobSplit.TrySplit(value, out _, out var data), Is.True);
        value[0] = 1.5;
        Assert.That(BitConverter.ToDouble(data.Span), Is.EqualTo(1.5), "no copy is made");
        Assert.That(data.Length, Is.EqualTo(value.Length * sizeof(double)));
    }

    private static IEnumerable<TestCaseData> NotSplittable()
    {
        yield return new TestCaseData(new double[100_000]).SetName("compressible (zeros)");
        yield return new TestCaseData(Enumerable.Range(0, 100_000).Select(i => (double)(i % 100)).ToArray()).SetName("compressible (ramp)");
        yield return new TestCaseData(Random<double>(1000, 31)).SetName("small");
        yield return new TestCaseData(Random<byte>(100_000, 32)).SetName("bytes below the probe size");
        yield return new TestCaseData(Random<char>(200_000, 33).Select(c => (char)(c % 0xD000)).ToArray()).SetName("char[] (a MATLAB row)");
        yield return new TestCaseData(Random<double>(40_000, 34).Select(d => new Complex(d, -d)).ToArray()).SetName("Complex[]");
        yield return new TestCaseData(new double[300, 200]).SetName("2-D .NET array (row-major, transposed when packed)");
        yield return new TestCaseData(new BlobArray<double>(Random<double>(40_000, 35), Random<double>(40_000, 36), [40_000])).SetName("complex BlobArray");
        yield return new TestCaseData("a string").SetName("string");
    }

    [TestCaseSource(nameof(NotSplittable))]
    public void OtherValuesArePacked(object value)
    {
        Assert.That(BlobSplit.TrySplit(value, out _, out _), Is.False);
    }
}
