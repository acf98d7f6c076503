using System.Numerics;
using System.Text;
using DataJoint.Stores;

namespace DataJoint.Runtime.Tests.Stores;

public class NpyTests
{
    [Test]
    public void HeaderIsByteIdenticalToNumpy()
    {
        var header = NpyFormat.BuildHeader(NpyDtype.Float64, false, [2, 3]);
        const string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
        Assert.That(header, Has.Length.EqualTo(128));
        Assert.That(header[..8], Is.EqualTo(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }));
        Assert.That(BitConverter.ToUInt16(header, 8), Is.EqualTo(118));
        var text = Encoding.ASCII.GetString(header, 10, 118);
        Assert.That(text, Is.EqualTo(dict + new string(' ', 118 - dict.Length - 1) + "\n"));
    }

    [TestCase("|b1", false, new long[0], "{'descr': '|b1', 'fortran_order': False, 'shape': (), }")]
    [TestCase("<i8", false, new long[] { 5 }, "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }")]
    [TestCase("<f4", true, new long[] { 3, 4, 1000 }, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4, 1000), }")]
    public void HeadersAlignDataTo64(string descr, bool fortran, long[] shape, string dict)
    {
        var header = NpyFormat.BuildHeader(NpyDtype.FromDescr(descr, out _), fortran, shape);
        Assert.That(header.Length % 64, Is.EqualTo(0));
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.That(text, Does.StartWith(dict));
        Assert.That(text, Does.EndWith(" \n"));
        Assert.That(text.TrimEnd(), Is.EqualTo(dict));
        // NumPy leaves room for the growth axis: 21 - digits of shape[0] (C) / shape[-1] (F) spaces at least.
        if (shape.Length > 0)
        {
            var axis = shape[fortran ? shape.Length - 1 : 0].ToString().Length;
            Assert.That(text.Length - dict.Length - 1, Is.GreaterThanOrEqualTo(21 - axis));
        }
    }

    [Test]
    public void ZeroDimensionalHeaderHasNoGrowthSpace()
    {
        // {'descr': '<f8', 'fortran_order': False, 'shape': (), } is 55 chars, no growth space for 0-d:
        // 10 + 56 = 66 → 62 spaces of padding → 128 bytes, as np.save(np.float64(1)) writes.
        var header = NpyFormat.BuildHeader(NpyDtype.Float64, false, []);
        Assert.That(header, Has.Length.EqualTo(128));
        Assert.That(Encoding.ASCII.GetString(header, 10, 118), Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + new string(' ', 62) + "\n"));
    }

    private static void RoundTrip<T>(T[] values, params long[] shape) where T : unmanaged
    {
        var array = NpyArray.Create<T>(values, shape);
        var bytes = NpyFormat.ToBytes(array);
        var back = NpyFormat.Read(bytes);
        Assert.That(back.Dtype, Is.EqualTo(NpyDtype.For<T>()));
        Assert.That(back.Shape, Is.EqualTo(shape));
        Assert.That(back.ToArray<T>(), Is.EqualTo(values));
    }

    [Test]
    public void RoundTripsEveryNumericType()
    {
        RoundTrip(new[] { true, false, true }, 3);
        RoundTrip(new sbyte[] { -128, 0, 127 }, 3);
        RoundTrip(new byte[] { 0, 255 }, 2);
        RoundTrip(new short[] { -32768, 1, 32767, 5 }, 2, 2);
        RoundTrip(new ushort[] { 65535, 1 }, 2);
        RoundTrip(new[] { int.MinValue, 2, int.MaxValue, 4, 5, 6 }, 2, 3);
        RoundTrip(new uint[] { uint.MaxValue }, 1);
        RoundTrip(new[] { long.MinValue, long.MaxValue }, 2);
        RoundTrip(new[] { ulong.MaxValue, 0UL }, 2);
        RoundTrip(new[] { (Half)1.5, (Half)(-2) }, 2);
        RoundTrip(new[] { 1.5f, float.NaN, float.NegativeInfinity }, 3);
        RoundTrip(new[] { 1.0, 2, 3, 4, 5, 6, 7, 8 }, 2, 2, 2);
        RoundTrip(new[] { new Complex(1, -1), new Complex(0.5, 2) }, 2);
        RoundTrip(new[] { 42.0 });
    }

    [Test]
    public void DtypeNamesAreNumpyNames()
    {
        Assert.That(NpyDtype.For<double>().Name, Is.EqualTo("float64"));
        Assert.That(NpyDtype.For<float>().Name, Is.EqualTo("float32"));
        Assert.That(NpyDtype.For<bool>().Name, Is.EqualTo("bool"));
        Assert.That(NpyDtype.For<ulong>().Name, Is.EqualTo("uint64"));
        Assert.That(NpyDtype.For<Complex>().Name, Is.EqualTo("complex128"));
        Assert.That(NpyDtype.FromDescr("<c8", out _).Name, Is.EqualTo("complex64"));
        var ex = Assert.Throws<DataJointException>(() => NpyDtype.FromDescr("<U5", out _));
        Assert.That(ex!.Message, Does.Contain("'<U5'"));
    }

    [Test]
    public void MultiDimensionalArraysKeepShapeAndOrder()
    {
        var source = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var array = NpyArray.FromArray(source);
        Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(array.ToArray<double>(), Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
        var back = (double[,])NpyFormat.Read(NpyFormat.ToBytes(array)).ToMultiDimensionalArray();
        Assert.That(back, Is.EqualTo(source));
        var bools = (bool[,])NpyFormat.Read(NpyFormat.ToBytes(NpyArray.FromArray(new[,] { { true, false }, { false, true } }))).ToMultiDimensionalArray();
        Assert.That(bools[1, 1], Is.True);
        Assert.That(bools[0, 1], Is.False);
    }

    [Test]
    public void ReadsFortranOrderWrittenByNumpy()
    {
        // np.save of np.asfortranarray([[1, 2, 3], [4, 5, 6]], dtype='<i4'): data in column order 1,4,2,5,3,6.
        var header = NpyFormat.BuildHeader(NpyDtype.Int32, true, [2, 3]);
        var text = Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.That(text, Does.StartWith("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }"));
        var data = new[] { 1, 4, 2, 5, 3, 6 }.SelectMany(BitConverter.GetBytes).ToArray();
        var array = NpyFormat.Read([.. header, .. data]);
        Assert.That(array.FortranOrder, Is.True);
        Assert.That(array.ToArray<int>(), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That((int[,])array.ToMultiDimensionalArray(), Is.EqualTo(new[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
    }

    [Test]
    public void ReadsBigEndianAndVersion2Headers()
    {
        var dict = "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }";
        var padded = dict.PadRight(118 - 2) + "\n"; // version 2: 12-byte prefix
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        bytes.AddRange(BitConverter.GetBytes((uint)padded.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(padded));
        bytes.AddRange(new byte[] { 0x01, 0x02, 0xFF, 0xFE });
        var array = NpyFormat.Read(bytes.ToArray());
        Assert.That(array.ToArray<short>(), Is.EqualTo(new short[] { 0x0102, unchecked((short)0xFFFE) }));
    }

    [Test]
    public void BadFilesGiveClearErrors()
    {
        var notNpy = Assert.Throws<DataJointException>(() => NpyFormat.Read(new byte[16]));
        Assert.That(notNpy!.Message, Does.StartWith("Not a .npy file"));
        var full = NpyFormat.ToBytes(NpyArray.Create<double>([1.0, 2.0], 2));
        var truncated = Assert.Throws<DataJointException>(() => NpyFormat.Read(full[..^4]));
        Assert.That(truncated!.Message, Does.StartWith("The .npy data is truncated"));
        var wrongType = Assert.Throws<DataJointException>(() => NpyFormat.Read(full).ToArray<float>());
        Assert.That(wrongType!.Message, Does.Contain("float64"));
    }

    // Files written by np.save (numpy 1.24.2), byte for byte.
    private const string NumpyComplex64Scalar =
        "934e554d5059010076007b276465736372273a20273c6338272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c0";
    private const string NumpyComplex64Matrix = // np.array([[1+2j, 3-4j, 0.5j], [-1, 2.25+1j, -0j]], dtype=np.complex64)
        "934e554d5059010076007b276465736372273a20273c6338272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f0000004000004040000080c0000000000000003f000080bf00000000000010400000803f0000008000000080";
    private const string NumpyFloat64Scalar = // np.array(2.5)
        "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000440";

    [Test]
    public void ZeroDimensionalArrays_HaveAScalarForm_ReadAndWrittenAsNumpyDoes()
    {
        var file = Convert.FromHexString(NumpyFloat64Scalar);
        var read = NpyFormat.Read(file);
        Assert.That(read.Shape, Is.Empty);
        Assert.That(read.ToScalar<double>(), Is.EqualTo(2.5));
        Assert.That(NpyFormat.ToBytes(NpyArray.Scalar(2.5)), Is.EqualTo(file));
        Assert.That(NpyFormat.ToBytes(NpyArray.Create<double>([2.5], [])), Is.EqualTo(file));
        Assert.That(NpyArray.Create<double>([2.5]).Shape, Is.EqualTo(new long[] { 1 }), "no shape: 1-D");
        var many = Assert.Throws<DataJointException>(() => NpyArray.Create<double>([1.0, 2.0], []));
        Assert.That(many!.Message, Does.Contain("0-d").And.Contain("2 values"));
        var notScalar = Assert.Throws<DataJointException>(() => NpyArray.Create<double>([1.0, 2.0]).ToScalar<double>());
        Assert.That(notScalar!.Message, Does.Contain("(2)"));
    }

    [Test]
    public void Complex64_ReadsAsComplex_AndIsWrittenByteIdenticalToNumpy()
    {
        var file = Convert.FromHexString(NumpyComplex64Matrix);
        var read = NpyFormat.Read(file);
        Assert.That(read.Dtype, Is.EqualTo(NpyDtype.Complex64));
        var expected = new Complex[,] { { new(1, 2), new(3, -4), new(0, 0.5) }, { new(-1, 0), new(2.25, 1), new(-0.0, -0.0) } };
        var matrix = (Complex[,])read.ToMultiDimensionalArray();
        Assert.That(matrix, Is.EqualTo(expected));
        Assert.That(double.IsNegative(matrix[1, 2].Real) && double.IsNegative(matrix[1, 2].Imaginary), Is.True, "-0.0 survives");
        Assert.That(read.ToArray<Complex>(), Has.Length.EqualTo(6));
        Assert.That(read.ToArray<float>(), Has.Length.EqualTo(12), "real/imaginary pairs");
        Assert.That(NpyFormat.ToBytes(NpyArray.FromArray(expected, NpyDtype.Complex64)), Is.EqualTo(file));
        Assert.That(NpyFormat.ToBytes(NpyArray.CreateComplex(read.ToArray<Complex>(), NpyDtype.Complex64, 2, 3)), Is.EqualTo(file));
        Assert.That(NpyArray.FromArray(expected).Dtype, Is.EqualTo(NpyDtype.Complex128), "Complex is complex128 unless asked");

        var scalarFile = Convert.FromHexString(NumpyComplex64Scalar);
        Assert.That(NpyFormat.Read(scalarFile).ToScalar<Complex>(), Is.EqualTo(new Complex(1.5, -2)));
        Assert.That(NpyFormat.ToBytes(NpyArray.CreateComplex([new Complex(1.5, -2)], NpyDtype.Complex64)), Is.EqualTo(scalarFile));

        // Fortran order (np.asfortranarray) reads in C order.
        var fortran = NpyArray.CreateComplex([new(1, 1), new(3, 3), new(2, 2), new(4, 4)], NpyDtype.Complex64, 2, 2);
        var f = NpyFormat.Read([.. NpyFormat.BuildHeader(NpyDtype.Complex64, true, [2, 2]), .. fortran.Data]);
        Assert.That((Complex[,])f.ToMultiDimensionalArray(), Is.EqualTo(new Complex[,] { { new(1, 1), new(2, 2) }, { new(3, 3), new(4, 4) } }));
        Assert.Throws<DataJointException>(() => NpyArray.FromArray(new double[] { 1 }, NpyDtype.Complex64));
    }
}
