using System.Buffers;
using System.Numerics;
using BlobApi = DataJoint.Blob;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>The .NET ↔ blob mapping documented in docs/blob.md, and the writer/reader API.</summary>
[TestFixture]
public class BlobMappingTests
{
    private static object? RoundTrip(object? value) => BlobApi.Unpack(BlobApi.Pack(value));

    [Test]
    public void Matrices_keep_shape_and_become_column_major()
    {
        var m = new int[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var arr = (BlobArray<int>)RoundTrip(m)!;
        Assert.That(arr.Class, Is.EqualTo(BlobClass.Int32));
        Assert.That(arr.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(arr.Data, Is.EqualTo(new[] { 1, 4, 2, 5, 3, 6 }));
        Assert.That(arr[1, 2], Is.EqualTo(6));
        Assert.That(arr.ToArray2D(), Is.EqualTo(m));
        Assert.That(BlobApi.Unpack<int[,]>(BlobApi.Pack(m)), Is.EqualTo(m));
    }

    [Test]
    public void Three_d_arrays_round_trip()
    {
        var cube = new short[2, 3, 4];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) cube[i, j, k] = (short)(100 * i + 10 * j + k);
        var arr = (BlobArray<short>)RoundTrip(cube)!;
        Assert.That(arr.Shape, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(arr[1, 2, 3], Is.EqualTo(123));
        Assert.That(arr.Data[1], Is.EqualTo(100), "first index fastest");
        Assert.That(arr.ToArray3D(), Is.EqualTo(cube));
        var four = new byte[2, 1, 2, 3];
        four[1, 0, 1, 2] = 9;
        var arr4 = (BlobArray<byte>)RoundTrip(four)!;
        Assert.That(arr4[1, 0, 1, 2], Is.EqualTo(9));
        Assert.That(arr4.ToMultiDimensionalArray(), Is.EqualTo(four));
    }

    [TestCase(typeof(double), BlobClass.Double)]
    [TestCase(typeof(float), BlobClass.Single)]
    [TestCase(typeof(sbyte), BlobClass.Int8)]
    [TestCase(typeof(short), BlobClass.Int16)]
    [TestCase(typeof(ushort), BlobClass.UInt16)]
    [TestCase(typeof(int), BlobClass.Int32)]
    [TestCase(typeof(uint), BlobClass.UInt32)]
    [TestCase(typeof(long), BlobClass.Int64)]
    [TestCase(typeof(ulong), BlobClass.UInt64)]
    [TestCase(typeof(bool), BlobClass.Logical)]
    public void One_d_numeric_arrays_map_to_their_class_and_stay_mYm(Type element, BlobClass expected)
    {
        var array = Array.CreateInstance(element, 3);
        array.SetValue(Convert.ChangeType(1, element), 0);
        byte[] packed = BlobApi.Pack(array);
        Assert.That(packed.AsSpan(0, 4).SequenceEqual("mYm\0"u8), Is.True);
        var decoded = (BlobArray)BlobApi.Unpack(packed)!;
        Assert.That(decoded.Class, Is.EqualTo(expected));
        Assert.That(decoded.ElementType, Is.EqualTo(element));
        Assert.That(decoded.Shape, Is.EqualTo(new[] { 3 }));
        Assert.That(decoded.GetData(), Is.EqualTo(array));
    }

    [Test]
    public void Complex_arrays_store_real_then_imaginary_parts()
    {
        var values = new[] { new Complex(1, 2), new Complex(3, -4) };
        byte[] packed = BlobApi.Pack(values);
        var arr = (BlobArray<double>)BlobApi.Unpack(packed)!;
        Assert.That(arr.IsComplex, Is.True);
        Assert.That(arr.Data, Is.EqualTo(new[] { 1.0, 3.0 }));
        Assert.That(arr.Imaginary, Is.EqualTo(new[] { 2.0, -4.0 }));
        Assert.That(arr.ToComplexArray(), Is.EqualTo(values));
        Assert.That(BlobApi.Unpack<Complex[]>(packed), Is.EqualTo(values));
    }

    [Test]
    public void Text_maps_to_str_and_char_arrays()
    {
        Assert.That(RoundTrip("héllo ✓"), Is.EqualTo("héllo ✓"));
        byte[] matlab = BlobApi.Pack("abc".ToCharArray());
        Assert.That(Convert.ToHexString(matlab), Is.EqualTo("6D596D004102000000000000000100000000000000030000000000000004000000000000006100620063"[..^0] + "00"));
        var chars = (BlobArray<char>)BlobApi.Unpack(matlab)!;
        Assert.That(chars.Shape, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(chars.ToString(), Is.EqualTo("abc"));
        Assert.That(BlobApi.Unpack<string>(matlab), Is.EqualTo("abc"));
        Assert.That(RoundTrip('x'), Is.EqualTo("x"));
    }

    [Test]
    public void Integers_follow_pythons_length_rule_and_widen_to_BigInteger()
    {
        Assert.That(Convert.ToHexString(BlobApi.Pack(-128)), Is.EqualTo("646A30000A020080FF"));
        Assert.That(Convert.ToHexString(BlobApi.Pack(long.MinValue)), Is.EqualTo("646A30000A09000000000000000080FF"));
        Assert.That(RoundTrip(long.MinValue), Is.EqualTo(long.MinValue));
        Assert.That(RoundTrip(ulong.MaxValue), Is.EqualTo(new BigInteger(ulong.MaxValue)));
        var big = BigInteger.Pow(-3, 101);
        Assert.That(RoundTrip(big), Is.EqualTo(big));
        Assert.That(RoundTrip((byte)200), Is.EqualTo(200L));
        Assert.That(BlobApi.Unpack<int>(BlobApi.Pack(7)), Is.EqualTo(7));
        Assert.That(BlobApi.Unpack<ulong>(BlobApi.Pack(ulong.MaxValue)), Is.EqualTo(ulong.MaxValue));
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack<int>(BlobApi.Pack(long.MaxValue)));
        Assert.That(ex!.Message, Does.Contain("Int32"));
        Assert.Throws<DataJointException>(() => BlobApi.Pack(BigInteger.Pow(2, 65535 * 8)));
    }

    [Test]
    public void Floats_complex_and_bool_scalars()
    {
        Assert.That(RoundTrip(2.5f), Is.EqualTo(2.5), "float is written as a Python float (binary64)");
        Assert.That((double)RoundTrip(double.NaN)!, Is.NaN);
        Assert.That(double.IsNegative((double)RoundTrip(-0.0)!), Is.True);
        Assert.That(RoundTrip(new Complex(1.5, -2)), Is.EqualTo(new Complex(1.5, -2)));
        Assert.That(RoundTrip(false), Is.EqualTo(false));
        Assert.That(RoundTrip(BlobArray<float>.Scalar(1.5f)), Is.EqualTo(BlobArray<float>.Scalar(1.5f)));
        Assert.That(BlobApi.Unpack<float>(BlobApi.Pack(BlobArray<float>.Scalar(1.5f))), Is.EqualTo(1.5f));
    }

    [Test]
    public void Decimals_use_pythons_text_rules()
    {
        static string Text(decimal d) => System.Text.Encoding.ASCII.GetString(BlobApi.Pack(d).AsSpan(13));
        Assert.That(Text(1.24m), Is.EqualTo("1.24"));
        Assert.That(Text(-112122121.000003000m), Is.EqualTo("-112122121.000003000"));
        Assert.That(Text(0.0000001m), Is.EqualTo("1E-7"));
        Assert.That(Text(0.000001m), Is.EqualTo("0.000001"));
        Assert.That(Text(0.00000100m), Is.EqualTo("0.00000100"));
        Assert.That(Text(0m), Is.EqualTo("0"));
        Assert.That(Text(-0.000m), Is.EqualTo("-0.000"), "Python keeps the sign of a zero Decimal");
        Assert.That(RoundTrip(1.50m), Is.EqualTo(1.50m));
        // Texts a decimal cannot reproduce stay exact.
        byte[] exponent = [.. "dj0\0"u8, (byte)'d', 4, 0, 0, 0, 0, 0, 0, 0, .. "1E+2"u8];
        Assert.That(BlobApi.Unpack(exponent), Is.EqualTo(new BlobDecimal("1E+2")));
        Assert.That(BlobApi.Pack(BlobApi.Unpack(exponent)), Is.EqualTo(exponent));
        Assert.That(BlobApi.Unpack<decimal>(exponent), Is.EqualTo(100m));
        byte[] nan = [.. "dj0\0"u8, (byte)'d', 3, 0, 0, 0, 0, 0, 0, 0, .. "NaN"u8];
        Assert.That(BlobApi.Unpack(nan), Is.EqualTo(new BlobDecimal("NaN")));
        byte[] junk = [.. "dj0\0"u8, (byte)'d', 3, 0, 0, 0, 0, 0, 0, 0, .. "1x2"u8];
        Assert.Throws<DataJointException>(() => BlobApi.Unpack(junk));
    }

    [Test]
    public void Dates_and_times()
    {
        var dt = new DateTime(2022, 10, 13, 3, 3, 13, DateTimeKind.Utc).AddTicks(1234567);
        Assert.That(RoundTrip(dt), Is.EqualTo(new DateTime(2022, 10, 13, 3, 3, 13).AddTicks(1234560)), "µs precision, wall clock");
        Assert.That(((DateTime)RoundTrip(dt)!).Kind, Is.EqualTo(DateTimeKind.Unspecified));
        var dto = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(5));
        Assert.That(RoundTrip(dto), Is.EqualTo(new DateTime(2020, 1, 2, 3, 4, 5)), "tzinfo dropped like Python");
        Assert.That(RoundTrip(new TimeOnly(23, 30, 5)), Is.EqualTo(new TimeOnly(23, 30, 5)));
        Assert.That(RoundTrip(TimeSpan.FromMinutes(90)), Is.EqualTo(new TimeOnly(1, 30)));
        Assert.Throws<DataJointException>(() => BlobApi.Pack(TimeSpan.FromDays(2)));
        Assert.That(RoundTrip(new DateOnly(1, 1, 1)), Is.EqualTo(new DateOnly(1, 1, 1)));
        Assert.That(BlobApi.Unpack<DateTime>(BlobApi.Pack(new DateOnly(2020, 5, 25))), Is.EqualTo(new DateTime(2020, 5, 25)));
    }

    [Test]
    public void Datetime64_arrays_convert_to_DateTime()
    {
        var v = BlobVectors.Get("np_datetime64_D_array");
        var arr = (BlobArray<long>)BlobApi.Unpack(v.Bytes)!;
        Assert.That(arr.IsDateTime64, Is.True);
        Assert.That(arr.ToDateTimes(), Is.EqualTo(new DateTime?[] { new DateTime(2022, 10, 13), new DateTime(1970, 1, 1), new DateTime(1969, 12, 31) }));
        Assert.That(BlobApi.Unpack<DateTime>(BlobVectors.Get("np_datetime64_us_scalar").Bytes), Is.EqualTo(new DateTime(1998, 1, 1)));
        var made = BlobArray.DateTime64([0, long.MinValue], BlobClass.DateTime64Seconds);
        Assert.That(RoundTrip(made), Is.EqualTo(made));
        Assert.That(made.ToDateTimes(), Is.EqualTo(new DateTime?[] { DateTime.UnixEpoch, null }));
    }

    [Test]
    public void Guids_are_written_in_rfc_byte_order()
    {
        var g = Guid.Parse("4e41491a-86d5-4af7-a013-89bde75528bd");
        Assert.That(Convert.ToHexString(BlobApi.Pack(g)), Is.EqualTo("646A3000754E41491A86D54AF7A01389BDE75528BD"));
        Assert.That(RoundTrip(g), Is.EqualTo(g));
    }

    [Test]
    public void Collections_map_to_python_containers()
    {
        var d = new Dictionary<string, int> { ["z"] = 1, ["a"] = 2 };
        var decoded = BlobApi.UnpackDictionary(BlobApi.Pack(d));
        Assert.That(decoded.Keys, Is.EqualTo(new[] { "z", "a" }), "insertion order kept");
        Assert.That(decoded["a"], Is.EqualTo(2L));

        var map = (BlobMap)RoundTrip(new Dictionary<int, string> { [1] = "one", [2] = "two" })!;
        Assert.That(map.Select(p => p.Key), Is.EqualTo(new object[] { 1L, 2L }));
        Assert.That(map.TryGetValue(2L, out var two) ? two : null, Is.EqualTo("two"));

        Assert.That(RoundTrip(new HashSet<int> { 3, 1 }), Is.EquivalentTo(new object[] { 1L, 3L }));
        Assert.That(RoundTrip(new HashSet<int> { 3, 1 }), Is.InstanceOf<HashSet<object?>>());
        Assert.That(RoundTrip((1, "a")), Is.EqualTo(new BlobTuple(1L, "a")));
        Assert.That(RoundTrip(new object?[] { 1, null, "x" }), Is.EqualTo(new List<object?> { 1L, null, "x" }));
        Assert.That(RoundTrip(new List<string> { "a", "b" }), Is.EqualTo(new List<object?> { "a", "b" }));
        Assert.That(BlobApi.Unpack<string[]>(BlobApi.Pack(new[] { "a", "b" })), Is.EqualTo(new[] { "a", "b" }));

        var grid = (BlobArray<object?>)RoundTrip(new string[,] { { "a", "b" }, { "c", "d" } })!;
        Assert.That(grid.Class, Is.EqualTo(BlobClass.Object));
        Assert.That(grid.Data, Is.EqualTo(new object[] { "a", "c", "b", "d" }));

        var ro = new BlobDictionary([new("k", (object?)new List<object?> { 1L })]);
        Assert.That(RoundTrip(ro), Is.EqualTo(ro));
    }

    [Test]
    public void Matlab_cells_and_structs_round_trip_and_stay_mYm()
    {
        var cell = new MatCell([BlobArray<double>.Row(1, 2), "abc".ToCharArray()], 1, 2);
        byte[] packed = BlobApi.Pack(cell);
        Assert.That(packed.AsSpan(0, 4).SequenceEqual("mYm\0"u8), Is.True);
        var back = (MatCell)BlobApi.Unpack(packed)!;
        Assert.That(back.Shape, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(back[1]!.ToString(), Is.EqualTo("abc"));

        var st = MatStruct.FromFields([new("a", BlobArray<double>.Row(1)), new("b", BlobArray<char>.Row('h', 'i'))]);
        var st2 = (MatStruct)RoundTrip(st)!;
        Assert.That(st2, Is.EqualTo(st));
        Assert.That(st2.FieldNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(BlobApi.UnpackDictionary(BlobApi.Pack(st))["b"]!.ToString(), Is.EqualTo("hi"));
        Assert.That(BlobApi.Pack(st).AsSpan(0, 4).SequenceEqual("mYm\0"u8), Is.True);

        // A Python str inside a cell forces dj0.
        Assert.That(BlobApi.Pack(new MatCell(["s"])).AsSpan(0, 4).SequenceEqual("dj0\0"u8), Is.True);
    }

    [Test]
    public void Record_arrays_round_trip_with_unprefixed_columns()
    {
        var rec = new RecordArray([new("x", BlobArray<int>.Vector(1, 2)), new("y", BlobArray<double>.Vector(0.5, 1.5))]);
        byte[] packed = BlobApi.Pack(rec);
        // dj0, 'F', nfields 2, "x\0y\0", then the x column directly (no length prefix).
        Assert.That(Convert.ToHexString(packed.AsSpan(0, 14)), Is.EqualTo("646A30004602000000780079004101"[..28]));
        Assert.That(packed[13], Is.EqualTo((byte)'A'));
        var back = (RecordArray)BlobApi.Unpack(packed)!;
        Assert.That(back.FieldNames, Is.EqualTo(new[] { "x", "y" }));
        Assert.That(back.Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(((BlobArray<double>)back["y"]).Data, Is.EqualTo(new[] { 0.5, 1.5 }));
        Assert.That(back, Is.EqualTo(rec));
    }

    [Test]
    public void Legacy_32bit_blobs_need_the_option()
    {
        var v = BlobVectors.Get("matlab_struct_32bit_dims_legacy");
        Assert.Throws<DataJointException>(() => BlobApi.Unpack(v.Bytes));
        var st = (MatStruct)BlobApi.Unpack(v.Bytes, new BlobReadOptions { Use32BitDims = true })!;
        Assert.That(st[0, "stage"]!.ToString(), Is.EqualTo("Stage 10"));
    }

    [Test]
    public void Unsupported_values_raise_DataJointException()
    {
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Pack(new object()));
        Assert.That(ex!.Message, Does.Contain("System.Object"));
        var loop = new List<object?>();
        loop.Add(loop);
        ex = Assert.Throws<DataJointException>(() => BlobApi.Pack(loop));
        Assert.That(ex!.Message, Does.Contain("nests deeper"));
        Assert.Throws<DataJointException>(() => BlobApi.Pack("\ud800"));
        Assert.Throws<DataJointException>(() => BlobApi.Unpack<Guid>(BlobApi.Pack(1)));
    }

    [Test]
    public void Writer_builds_a_dict_entry_by_entry()
    {
        using var w = new BlobWriter();
        w.WriteDictStart(2);
        w.WriteKey("name");
        w.WriteValue("Anonymous");
        w.WriteKey("age");
        w.WriteValue(15);
        Assert.That(w.IsComplete, Is.True);
        Assert.That(w.ToArray(), Is.EqualTo(BlobVectors.Get("py_dict_str_keys").Bytes));
    }

    [Test]
    public void Writer_nests_containers_and_fills_length_prefixes()
    {
        using var w = new BlobWriter(16);
        w.WriteDictStart(3);
        w.WriteKey("range");
        w.WriteListStart(2);
        w.WriteValue(110);
        w.WriteValue(190L);
        w.WriteKey("empty");
        w.WriteTupleStart(0);
        w.WriteKey("arr");
        w.WriteArray<long>([3, 4]);
        Assert.That(w.IsComplete, Is.True);
        var expected = BlobApi.Pack(new Dictionary<string, object?>
        {
            ["range"] = new List<object?> { 110L, 190L },
            ["empty"] = new BlobTuple(),
            ["arr"] = new long[] { 3, 4 },
        });
        Assert.That(w.ToArray(), Is.EqualTo(expected));
        var back = BlobApi.UnpackDictionary(expected);
        Assert.That(back["range"], Is.EqualTo(new List<object?> { 110L, 190L }));
    }

    [Test]
    public void Writer_refuses_misuse()
    {
        using var w = new BlobWriter();
        Assert.Throws<InvalidOperationException>(() => w.ToArray());
        Assert.Throws<InvalidOperationException>(() => w.WriteKey("k"));
        w.WriteDictStart(1);
        w.WriteKey("k");
        Assert.Throws<InvalidOperationException>(() => w.WriteKey("again"));
        var ex = Assert.Throws<InvalidOperationException>(() => w.ToArray());
        Assert.That(ex!.Message, Does.Contain("1 more item"));
        w.WriteValue(1.0);
        Assert.Throws<InvalidOperationException>(() => w.WriteValue(2.0));
        Assert.That(BlobApi.Unpack<IReadOnlyDictionary<string, object?>>(w.ToArray())["k"], Is.EqualTo(1.0));
        w.Reset();
        w.WriteStructStart(["a"], 1, 1);
        w.WriteArray<double>([1.0], [1, 1]);
        Assert.That(w.RequiresPythonProtocol, Is.False);
        Assert.That(BlobApi.Unpack(w.WrittenSpan), Is.InstanceOf<MatStruct>());
    }

    [Test]
    public void Buffer_writer_and_stream_overloads_give_the_same_bytes()
    {
        var value = new Dictionary<string, object?> { ["x"] = new double[2000], ["y"] = "z" };
        byte[] expected = BlobApi.Pack(value);
        Assert.That(BlobApi.IsCompressed(expected), Is.True);
        var abw = new ArrayBufferWriter<byte>();
        BlobApi.Pack(value, abw);
        Assert.That(abw.WrittenSpan.ToArray(), Is.EqualTo(expected));
        using var ms = new MemoryStream();
        BlobApi.Pack(value, ms);
        Assert.That(ms.ToArray(), Is.EqualTo(expected));
        ms.Position = 0;
        Assert.That(((BlobDictionary)BlobApi.Unpack(ms)!)["y"], Is.EqualTo("z"));
        const int header = 4, dict = 1 + 8, key = 8 + 1 + 8 + 1, array = 8 + 1 + 8 + 8 + 8 + 16000, str = 8 + 1 + 8 + 1;
        Assert.That(BlobApi.Pack(value, compress: false), Has.Length.EqualTo(header + dict + key + array + key + str));
    }

    [Test]
    public void Arrays_convert_to_dotnet_arrays()
    {
        byte[] packed = BlobApi.Pack(BlobArray<double>.Row(1, 2, 3));
        Assert.That(BlobApi.Unpack<double[]>(packed), Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(BlobApi.Unpack<double[,]>(packed), Is.EqualTo(new double[,] { { 1, 2, 3 } }));
        Assert.That(BlobApi.Unpack<double[,,]>(packed).GetLength(2), Is.EqualTo(1));
        Assert.That(BlobApi.Unpack<long[]>(BlobApi.Pack(new List<object?> { 1, 2 })), Is.EqualTo(new long[] { 1, 2 }));
        var ex = Assert.Throws<DataJointException>(() => BlobApi.Unpack<float[]>(packed));
        Assert.That(ex!.Message, Does.Contain("Double array [1, 3]"));
    }
}
