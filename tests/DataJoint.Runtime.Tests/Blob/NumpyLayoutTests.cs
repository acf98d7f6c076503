using System.Numerics;
using BlobApi = DataJoint.Blob;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>
/// Numpy data written without hand reordering: row-major and multi-dimensional .NET constructors for
/// <see cref="BlobArray{T}"/>, <see cref="MatCell"/> and <see cref="MatStruct"/> give exactly the bytes DataJoint Python
/// wrote for the same numpy value (blob-vectors.json); an empty shape is 0-d, never silently 1-D; 0-d complex values.
/// </summary>
public class NumpyLayoutTests
{
    private static byte[] Vector(string name) => BlobVectors.Get(name).UncompressedBytes;

    [Test]
    public void RowMajorData_OfA3dNumpyArray_PacksToPythonsBytes()
    {
        // np.array([[[1, -2, 3], [-4, 5, -6]]], dtype=np.int16): a.ravel() and a.shape.
        var a = BlobArray<short>.FromRowMajor([1, -2, 3, -4, 5, -6], 1, 2, 3);
        Assert.That(a.Data, Is.EqualTo(new short[] { 1, -4, -2, 5, 3, -6 }), "stored column-major");
        Assert.That(BlobApi.Pack(a, compress: false), Is.EqualTo(Vector("np_3d_int16_1x2x3")));
        Assert.That(a.ToRowMajor(), Is.EqualTo(new short[] { 1, -2, 3, -4, 5, -6 }), "ravel() back");
        Assert.That(a[0, 1, 2], Is.EqualTo((short)-6));
        var fromDotNet = BlobArray<short>.FromArray(new short[,,] { { { 1, -2, 3 }, { -4, 5, -6 } } });
        Assert.That(fromDotNet, Is.EqualTo(a));
    }

    [Test]
    public void RowMajorComplexData_PacksToPythonsBytes()
    {
        // np.array([[1+1j, 2+2j], [3+3j, 4+4j]]).
        var a = BlobArray<double>.FromRowMajor([1, 2, 3, 4], [1, 2, 3, 4], [2, 2]);
        Assert.That(BlobApi.Pack(a, compress: false), Is.EqualTo(Vector("np_complex128_2x2")));
        Assert.That(a.ToRowMajor(imaginary: true), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
        Assert.Throws<InvalidOperationException>(() => BlobArray<double>.FromRowMajor([1.0, 2], 2).ToRowMajor(imaginary: true));
    }

    [Test]
    public void ZeroDimensionalComplex_CanBeMade_AndPacksAsNumpysScalar()
    {
        // np.complex128(1-2j)
        var expected = Vector("np_scalar_complex128");
        var scalar = BlobArray<double>.Scalar(1.0, -2.0);
        Assert.That(scalar.Rank, Is.Zero);
        Assert.That(scalar.IsComplex, Is.True);
        Assert.That(BlobApi.Pack(scalar, compress: false), Is.EqualTo(expected));
        Assert.That(BlobApi.Pack(new BlobArray<double>([1.0], [-2.0], []), compress: false), Is.EqualTo(expected));
        Assert.That(BlobApi.Unpack(expected), Is.EqualTo(scalar));
        Assert.Throws<ArgumentException>(() => BlobArray<bool>.Scalar(true, false), "a logical array cannot be complex");
    }

    [Test]
    public void AnEmptyShape_IsZeroDimensional_NeverSilentlyOneDimensional()
    {
        var zeroD = new BlobArray<double>([2.5], []);
        Assert.That(zeroD.Rank, Is.Zero);
        Assert.That(zeroD, Is.EqualTo(BlobArray<double>.Scalar(2.5)));
        var tooMany = Assert.Throws<ArgumentException>(() => _ = new BlobArray<double>([1.0, 2.0], []));
        Assert.That(tooMany!.Message, Does.Contain("0-d").And.Contain("has 2"));
        Assert.Throws<ArgumentException>(() => _ = new BlobArray<double>([1.0, 2.0], null, []));
        Assert.Throws<ArgumentException>(() => BlobArray<double>.FromRowMajor([1.0, 2.0]));

        // Leaving the shape out is 1-D, as documented.
        Assert.That(new BlobArray<double>([1.0, 2.0]).Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(new BlobArray<double>([1.0, 2.0], null, null).Shape, Is.EqualTo(new[] { 2 }));

        // datetime64: np.datetime64('1998-01-01', 'us') is 0-d.
        var us = BlobArray.DateTime64([883612800000000L], BlobClass.DateTime64Microseconds, []);
        Assert.That(BlobApi.Pack(us, compress: false), Is.EqualTo(Vector("np_datetime64_us_scalar")));
        Assert.That(BlobArray.DateTime64([1L, 2L], BlobClass.DateTime64Days).Shape, Is.EqualTo(new[] { 2 }));
        Assert.Throws<ArgumentException>(() => BlobArray.DateTime64([1L, 2L], BlobClass.DateTime64Days, []));
    }

    [Test]
    public void MatCell_FromADotNetArray_AndFromRowMajorItems_PacksToPythonsBytes()
    {
        // MatCell of shape (2, 1): [['hi' as S1 chars], [empty 0x0 double]].
        var hi = new BlobArray<char>(['h', 'i'], 1, 2);
        var empty = new BlobArray<double>([], 0, 0);
        var expected = Vector("matcell_2x1_char_and_empty");
        Assert.That(BlobApi.Pack(MatCell.FromArray(new object?[,] { { hi }, { empty } }), compress: false), Is.EqualTo(expected));
        Assert.That(BlobApi.Pack(MatCell.FromRowMajor([hi, empty], 2, 1), compress: false), Is.EqualTo(expected));

        // A 2x3 cell: row-major items land column-major, and read back by (row, column).
        var cell = MatCell.FromRowMajor(["a", "b", "c", "d", "e", "f"], 2, 3);
        Assert.That(cell.ToArray(), Is.EqualTo(new object[] { "a", "d", "b", "e", "c", "f" }));
        Assert.That(cell[cell.IndexOf(1, 2)], Is.EqualTo("f"));
        Assert.That(cell.ToMultiDimensionalArray(), Is.EqualTo(new object[,] { { "a", "b", "c" }, { "d", "e", "f" } }));
        Assert.That(MatCell.FromArray(new[,] { { "a", "b", "c" }, { "d", "e", "f" } }), Is.EqualTo(cell));
        Assert.That(BlobApi.Unpack(BlobApi.Pack(cell)), Is.EqualTo(cell));

        Assert.That(new MatCell(["x", "y"]).Shape, Is.EqualTo(new[] { 1, 2 }), "no shape: a MATLAB row cell");
        var noDims = Assert.Throws<ArgumentException>(() => _ = new MatCell(["x"], []));
        Assert.That(noDims!.Message, Does.Contain("at least one dimension"));
    }

    [Test]
    public void MatStruct_FromADotNetArrayOfDictionaries_AndFromRowMajorValues_PacksToPythonsBytes()
    {
        // A 1x2 struct with field v: v = 1.0 (1x1), then v = [2.0, 3.0] (1x2).
        var one = BlobArray<double>.Row(1.0);
        var two = BlobArray<double>.Row(2.0, 3.0);
        var expected = Vector("matstruct_1x2");
        var elements = new Dictionary<string, object?>[,] { { new() { ["v"] = one }, new() { ["v"] = two } } };
        Assert.That(BlobApi.Pack(MatStruct.FromArray(elements), compress: false), Is.EqualTo(expected));
        Assert.That(BlobApi.Pack(MatStruct.FromRowMajor(["v"], [one, two], 1, 2), compress: false), Is.EqualTo(expected));

        // 2x2 with two fields: row-major elements become column-major, each element's fields staying together.
        var grid = MatStruct.FromArray(new Dictionary<string, object?>[,]
        {
            { new() { ["a"] = 1L, ["b"] = "p" }, new() { ["b"] = "q", ["a"] = 2L } },
            { new() { ["a"] = 3L, ["b"] = "r" }, new() { ["a"] = 4L, ["b"] = "s" } },
        });
        Assert.That(grid.FieldNames, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Enumerable.Range(0, 4).Select(e => grid[e, "a"]), Is.EqualTo(new object[] { 1L, 3L, 2L, 4L }));
        Assert.That(grid[grid.IndexOf(0, 1), "b"], Is.EqualTo("q"));
        Assert.That(grid, Is.EqualTo(MatStruct.FromRowMajor(["a", "b"], [1L, "p", 2L, "q", 3L, "r", 4L, "s"], 2, 2)));
        Assert.That(BlobApi.Unpack(BlobApi.Pack(grid)), Is.EqualTo(grid));

        var mismatch = Assert.Throws<ArgumentException>(() => MatStruct.FromArray(new[] { new Dictionary<string, object?> { ["a"] = 1L }, new() { ["c"] = 1L } }));
        Assert.That(mismatch!.Message, Does.Contain("Element 1").And.Contain("same fields"));
        Assert.Throws<ArgumentException>(() => _ = new MatStruct(["a"], [1L], []));
        Assert.That(new MatStruct(["a"], [1L, 2L]).Shape, Is.EqualTo(new[] { 1, 2 }));
    }
}
