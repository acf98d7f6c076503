using System.Numerics;
using BlobApi = DataJoint.Blob;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>Spec §9 cases 12 and 13 (golden hex from DataJoint Python 8e6ef316), both directions.</summary>
[TestFixture]
public class BlobGoldenTests
{
    private static IEnumerable<TestCaseData> Case12()
    {
        yield return new TestCaseData(5L, "646a30000a010005").SetName("case12_int_5");
        yield return new TestCaseData(1.5, "646a30000d000000000000f83f").SetName("case12_float_1_5");
        yield return new TestCaseData("abc", "646a3000050300000000000000616263").SetName("case12_str_abc");
        yield return new TestCaseData(null, "646a3000ff").SetName("case12_none");
        yield return new TestCaseData(true, "646a30000b01").SetName("case12_true");
        yield return new TestCaseData(new Dictionary<string, object?> { ["a"] = 1L },
            "646a30000401000000000000000a000000000000000501000000000000006104000000000000000a010001").SetName("case12_dict_a_1");
        yield return new TestCaseData(new List<object?> { 1L, "a" },
            "646a300002020000000000000004000000000000000a0100010a0000000000000005010000000000000061").SetName("case12_list_1_a");
        yield return new TestCaseData(new long[] { 1, 2, 3 },
            "6d596d0041010000000000000003000000000000000e00000000000000010000000000000002000000000000000300000000000000").SetName("case12_int64_array");
        yield return new TestCaseData(new double[,] { { 1, 2 }, { 3, 4 } },
            "6d596d00410200000000000000020000000000000002000000000000000600000000000000000000000000f03f000000000000084000000000000000400000000000001040").SetName("case12_float64_2x2");
        yield return new TestCaseData(BlobArray<double>.Scalar(2.0),
            "646a300041000000000000000006000000000000000000000000000040").SetName("case12_np_float64_scalar");
        yield return new TestCaseData(Guid.Parse("12345678-1234-5678-1234-567812345678"),
            "646a30007512345678123456781234567812345678").SetName("case12_uuid");
        yield return new TestCaseData(new DateOnly(2024, 1, 2), "646a300074e6d63401ffffffffffffffff").SetName("case12_date");
        yield return new TestCaseData(new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(60), "646a300074e6d63401467b471407000000").SetName("case12_datetime");
        yield return new TestCaseData(new byte[] { (byte)'x', (byte)'y' }, "646a30000602000000000000007879").SetName("case12_bytes_xy");
        yield return new TestCaseData(new BlobTuple(1L), "646a300001010000000000000004000000000000000a010001").SetName("case12_tuple_1");
    }

    [TestCaseSource(nameof(Case12))]
    public void Packs_to_the_python_bytes(object? value, string hex)
    {
        Assert.That(Convert.ToHexString(BlobApi.Pack(value)), Is.EqualTo(hex.ToUpperInvariant()));
    }

    [TestCaseSource(nameof(Case12))]
    public void Unpacks_the_python_bytes_to_the_value(object? value, string hex)
    {
        object? decoded = BlobApi.Unpack(Convert.FromHexString(hex));
        switch (value)
        {
            case Dictionary<string, object?> dict:
                Assert.That(decoded, Is.InstanceOf<BlobDictionary>());
                Assert.That(((BlobDictionary)decoded!).ToList(), Is.EqualTo(dict.ToList()));
                break;
            case long[] longs:
                Assert.That(decoded, Is.InstanceOf<BlobArray<long>>());
                Assert.That(((BlobArray<long>)decoded!).Shape, Is.EqualTo(new[] { 3 }));
                Assert.That(((BlobArray<long>)decoded!).Data, Is.EqualTo(longs));
                break;
            case double[,] matrix:
                var arr = (BlobArray<double>)decoded!;
                Assert.That(arr.Shape, Is.EqualTo(new[] { 2, 2 }));
                Assert.That(arr.Data, Is.EqualTo(new[] { 1.0, 3.0, 2.0, 4.0 }), "column-major");
                Assert.That(arr.ToArray2D(), Is.EqualTo(matrix));
                break;
            case List<object?> list:
                Assert.That(decoded, Is.InstanceOf<List<object?>>());
                Assert.That((List<object?>)decoded!, Is.EqualTo(list));
                break;
            default:
                Assert.That(decoded, Is.EqualTo(value));
                if (value is not null) Assert.That(decoded!.GetType(), Is.EqualTo(value.GetType()));
                break;
        }
    }

    [Test]
    public void Case13_zeros_1000_float64_compress_with_the_python_envelope()
    {
        byte[] packed = BlobApi.Pack(new double[1000]);
        Assert.That(Convert.ToHexString(packed.AsSpan(0, 14)), Is.EqualTo("5A4C313233005D1F000000000000"));
        Assert.That(packed, Has.Length.LessThan(200), "zeros compress well (Python: 60 bytes)");
        byte[] inflated = BlobApi.Decompress(packed);
        Assert.That(inflated, Has.Length.EqualTo(8029));
        Assert.That(Convert.ToHexString(inflated.AsSpan(0, 5)), Is.EqualTo("6D596D0041"));
        var value = BlobApi.Unpack<BlobArray<double>>(packed);
        Assert.That(value.Shape, Is.EqualTo(new[] { 1000 }));
        Assert.That(value.Data, Is.All.EqualTo(0.0));
        // The zlib stream is standard RFC 1950 (a 2-byte header whose check bits are valid).
        Assert.That((packed[14] << 8 | packed[15]) % 31, Is.EqualTo(0));
        Assert.That(packed[14] & 0x0F, Is.EqualTo(8), "deflate method");
    }

    [Test]
    public void Unpack_of_scalars_accepts_every_python_form_of_a_double()
    {
        Assert.That(BlobApi.Unpack<double>(Convert.FromHexString("646a30000d000000000000f83f")), Is.EqualTo(1.5));
        Assert.That(BlobApi.Unpack<double>(Convert.FromHexString("646a300041000000000000000006000000000000000000000000000040")), Is.EqualTo(2.0));
        Assert.That(BlobApi.Unpack<double>(BlobApi.Pack(BlobArray<double>.Row(7.0))), Is.EqualTo(7.0));
        Assert.That(BlobApi.Unpack<BigInteger>(BlobApi.Pack(5L)), Is.EqualTo(new BigInteger(5)));
    }
}
