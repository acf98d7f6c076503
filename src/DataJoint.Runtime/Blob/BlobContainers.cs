using System.Collections;
using System.Globalization;
using System.Numerics;

namespace DataJoint;

/// <summary>A MATLAB cell array (<c>C</c>): a shape and its elements in column-major order.</summary>
public sealed class MatCell : IReadOnlyList<object?>, IEquatable<MatCell>
{
    private readonly object?[] _items;
    private readonly int[] _shape;

    /// <summary>Creates a 1×n cell array (a MATLAB row cell) of <paramref name="items"/>.</summary>
    public MatCell(object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _shape = [1, items.Length];
        _items = items;
    }

    /// <summary>
    /// Creates a cell array of <paramref name="shape"/> from column-major (MATLAB order) <paramref name="items"/>. For
    /// row-major items (numpy's C order) use <see cref="FromRowMajor"/>; for a .NET array <see cref="FromArray"/>.
    /// </summary>
    public MatCell(object?[] items, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(items);
        _shape = ArrayLayout.CheckMatlabShape(shape, items.Length, "cell array");
        _items = items;
    }

    /// <summary>A cell array of <paramref name="shape"/> from row-major (C order) <paramref name="items"/>: numpy's <c>a.ravel()</c> of an object array.</summary>
    public static MatCell FromRowMajor(object?[] items, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(items);
        var s = ArrayLayout.CheckMatlabShape(shape, items.Length, "cell array");
        return new MatCell(ArrayLayout.ToColumnMajor(items, s), s, trusted: true);
    }

    /// <summary>A cell array of the shape of a .NET array of any rank (<c>object?[,]</c>, <c>string[,,]</c>...): <c>cell[i, j]</c> is <c>items[i, j]</c>.</summary>
    public static MatCell FromArray(Array items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var shape = ArrayLayout.ShapeOf(items);
        return new MatCell(ArrayLayout.ToColumnMajor(ArrayLayout.Flatten<object?>(items), shape), shape, trusted: true);
    }

    internal MatCell(object?[] items, int[] shape, bool trusted)
    {
        _ = trusted;
        _items = items;
        _shape = shape;
    }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Shape => _shape;

    internal int[] ShapeArray => _shape;

    internal object?[] Items => _items;

    /// <summary>Number of elements.</summary>
    public int Count => _items.Length;

    /// <summary>Element at a column-major flat index.</summary>
    public object? this[int index] => _items[index];

    /// <summary>The column-major flat index of a multi-index (<c>cell[IndexOf(i, j)]</c> is MATLAB's <c>c{i+1, j+1}</c>).</summary>
    public int IndexOf(params int[] index) => ArrayLayout.ColumnMajorIndex(_shape, index);

    /// <summary>The items as a .NET array of the cell's rank, <c>[i, j]</c> = <c>c{i+1, j+1}</c> (row-major, as .NET lays it out).</summary>
    public Array ToMultiDimensionalArray() =>
        new BlobArray<object?>(_items, null, _shape, BlobClass.Object).ToMultiDimensionalArray();

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(MatCell? other) =>
        other is not null && _shape.AsSpan().SequenceEqual(other._shape) && BlobValue.SequenceEquals(_items, other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MatCell c && Equals(c);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_items.Length, _shape.Length);
}

/// <summary>
/// A MATLAB struct array (<c>S</c>): a shape, ordered field names, and for each element (column-major) one
/// value per field. A 1×1 struct is also readable as a dictionary through <see cref="AsDictionary"/>.
/// </summary>
public sealed class MatStruct : IEquatable<MatStruct>
{
    private readonly string[] _fields;
    private readonly object?[] _values; // element-major: element e, field f at e * nfields + f
    private readonly int[] _shape;
    private readonly Dictionary<string, int> _fieldIndex;

    /// <summary>
    /// Creates a 1×n struct array. <paramref name="values"/> is element-major: for each element all its fields in field
    /// order (n = values.Length / fields).
    /// </summary>
    public MatStruct(IReadOnlyList<string> fieldNames, object?[] values)
        : this(fieldNames, values, [1, fieldNames is null || fieldNames.Count == 0 ? 0 : (values ?? []).Length / fieldNames.Count])
    {
    }

    /// <summary>
    /// Creates a struct array of <paramref name="shape"/>. <paramref name="values"/> is element-major: for each element
    /// in column-major (MATLAB) order all its fields in field order. For elements in row-major order (numpy's C order)
    /// use <see cref="FromRowMajor"/>; for a .NET array of dictionaries <see cref="FromArray"/>.
    /// </summary>
    public MatStruct(IReadOnlyList<string> fieldNames, object?[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        _fields = [.. fieldNames];
        if (shape.Length == 0)
            throw new ArgumentException("A struct array has at least one dimension (MATLAB has no 0-d values): give its shape, or leave it out for 1×n.", nameof(shape));
        _shape = (int[])shape.Clone();
        if (BlobArray.Product(_shape) * (long)_fields.Length != values.Length)
            throw new ArgumentException($"A struct of shape [{string.Join(", ", _shape)}] with {_fields.Length} fields needs {BlobArray.Product(_shape) * (long)_fields.Length} values, got {values.Length}.", nameof(values));
        _values = values;
        _fieldIndex = BuildIndex(_fields);
    }

    /// <summary>
    /// A struct array of <paramref name="shape"/> whose elements come in row-major (C) order: <paramref name="values"/>
    /// holds, for each element in row-major order, all its fields in field order.
    /// </summary>
    public static MatStruct FromRowMajor(IReadOnlyList<string> fieldNames, object?[] values, params int[] shape)
    {
        var rowMajor = new MatStruct(fieldNames, values, shape);
        int n = rowMajor.Length, f = rowMajor._fields.Length;
        if (n <= 1 || f == 0) return rowMajor;
        // Column-major position c holds the element that row-major position order[c] holds.
        var order = ArrayLayout.ToColumnMajor(Enumerable.Range(0, n).ToArray(), rowMajor._shape);
        var reordered = new object?[values.Length];
        for (int c = 0; c < n; c++) Array.Copy(values, order[c] * f, reordered, c * f, f);
        return new MatStruct(rowMajor._fields, reordered, rowMajor._shape, trusted: true);
    }

    /// <summary>
    /// A struct array of the shape of a .NET array of any rank whose elements are field → value dictionaries
    /// (<c>Dictionary&lt;string, object?&gt;[,]</c>...): <c>s(i+1, j+1)</c> is <c>elements[i, j]</c>. Every element must have
    /// the same fields; their order is the first element's.
    /// </summary>
    public static MatStruct FromArray(Array elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var shape = ArrayLayout.ShapeOf(elements);
        var items = ArrayLayout.Flatten<object?>(elements);
        string[]? fields = null;
        var values = new List<object?>();
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not IEnumerable<KeyValuePair<string, object?>> element)
                throw new ArgumentException(
                    $"Element {i} of the array is {(items[i] is null ? "null" : items[i]!.GetType().Name)}, not a field → value dictionary (e.g. Dictionary<string, object?>).",
                    nameof(elements));
            var pairs = element.ToList();
            if (fields is null) fields = pairs.Select(p => p.Key).ToArray();
            else if (pairs.Count != fields.Length || pairs.Any(p => Array.IndexOf(fields, p.Key) < 0))
                throw new ArgumentException(
                    $"Element {i} of the array has the fields [{string.Join(", ", pairs.Select(p => p.Key))}], but the first has [{string.Join(", ", fields)}]; every element of a struct array has the same fields.",
                    nameof(elements));
            var ordered = new object?[fields.Length];
            foreach (var (k, v) in pairs) ordered[Array.IndexOf(fields, k)] = v;
            values.AddRange(ordered);
        }
        return FromRowMajor(fields ?? [], [.. values], shape);
    }

    internal MatStruct(string[] fields, object?[] values, int[] shape, bool trusted)
    {
        _ = trusted;
        _fields = fields;
        _values = values;
        _shape = shape;
        _fieldIndex = BuildIndex(fields);
    }

    /// <summary>A 1×1 struct from ordered field/value pairs.</summary>
    public static MatStruct FromFields(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var names = new List<string>();
        var values = new List<object?>();
        foreach (var (k, v) in fields)
        {
            names.Add(k);
            values.Add(v);
        }
        return new MatStruct(names, [.. values], 1, 1);
    }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Shape => _shape;

    internal int[] ShapeArray => _shape;

    internal object?[] Values => _values;

    /// <summary>Field names in declared order.</summary>
    public IReadOnlyList<string> FieldNames => _fields;

    /// <summary>Number of struct elements.</summary>
    public int Length => BlobArray.Product(_shape);

    /// <summary>The value of <paramref name="field"/> in element <paramref name="element"/> (column-major index).</summary>
    public object? this[int element, string field]
    {
        get
        {
            if (!_fieldIndex.TryGetValue(field, out int f))
                throw new KeyNotFoundException($"The struct has no field '{field}'.");
            if ((uint)element >= (uint)Length)
                throw new IndexOutOfRangeException($"Element {element} is outside a struct array of {Length} elements.");
            return _values[element * _fields.Length + f];
        }
    }

    /// <summary>The column-major element number of a multi-index (<c>s[IndexOf(i, j), "f"]</c> is MATLAB's <c>s(i+1, j+1).f</c>).</summary>
    public int IndexOf(params int[] index) => ArrayLayout.ColumnMajorIndex(_shape, index);

    /// <summary>Element <paramref name="element"/> (column-major) as an ordered dictionary field → value.</summary>
    public IReadOnlyDictionary<string, object?> AsDictionary(int element = 0)
    {
        if ((uint)element >= (uint)Length)
            throw new IndexOutOfRangeException($"Element {element} is outside a struct array of {Length} elements.");
        var values = new object?[_fields.Length];
        Array.Copy(_values, element * _fields.Length, values, 0, _fields.Length);
        return new BlobDictionary(_fields, values);
    }

    /// <inheritdoc />
    public bool Equals(MatStruct? other) =>
        other is not null && _shape.AsSpan().SequenceEqual(other._shape) && _fields.AsSpan().SequenceEqual(other._fields)
        && BlobValue.SequenceEquals(_values, other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MatStruct s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_fields.Length, _values.Length);

    private static Dictionary<string, int> BuildIndex(string[] fields)
    {
        var index = new Dictionary<string, int>(fields.Length, StringComparer.Ordinal);
        for (int i = 0; i < fields.Length; i++)
            if (!index.TryAdd(fields[i], i))
                throw new DataJointException($"Duplicate struct field name '{fields[i]}'.");
        return index;
    }
}

/// <summary>
/// A numpy structured / record array (<c>F</c>): ordered named columns of the same shape. Each column is a
/// <see cref="BlobArray"/> (or a nested <see cref="RecordArray"/>).
/// </summary>
public sealed class RecordArray : IEquatable<RecordArray>
{
    private readonly string[] _names;
    private readonly object[] _columns;

    /// <summary>Creates a record array from (name, column) pairs; every column must have the same shape.</summary>
    public RecordArray(IEnumerable<KeyValuePair<string, object>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var names = new List<string>();
        var cols = new List<object>();
        foreach (var (name, col) in columns)
        {
            if (col is not BlobArray and not RecordArray)
                throw new ArgumentException($"Column '{name}' must be a BlobArray or a RecordArray.", nameof(columns));
            names.Add(name);
            cols.Add(col);
        }
        if (names.Count == 0) throw new ArgumentException("A record array needs at least one column.", nameof(columns));
        _names = [.. names];
        _columns = [.. cols];
        Shape = ShapeOf(_columns[0]);
        foreach (var c in _columns)
            if (!ShapeOf(c).SequenceEqual(Shape))
                throw new ArgumentException("All columns of a record array must have the same shape.", nameof(columns));
    }

    internal RecordArray(string[] names, object[] columns, int[] shape)
    {
        _names = names;
        _columns = columns;
        Shape = shape;
    }

    /// <summary>The common shape of the columns.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Field names in order.</summary>
    public IReadOnlyList<string> FieldNames => _names;

    /// <summary>The columns in field order (<see cref="BlobArray"/> or <see cref="RecordArray"/>).</summary>
    public IReadOnlyList<object> Columns => _columns;

    /// <summary>The column named <paramref name="field"/>.</summary>
    public object this[string field]
    {
        get
        {
            int i = Array.IndexOf(_names, field);
            if (i < 0) throw new KeyNotFoundException($"The record array has no field '{field}'.");
            return _columns[i];
        }
    }

    internal static IReadOnlyList<int> ShapeOf(object column) => column switch
    {
        BlobArray a => a.Shape,
        RecordArray r => r.Shape,
        _ => throw new ArgumentException("Not a record array column."),
    };

    /// <inheritdoc />
    public bool Equals(RecordArray? other) =>
        other is not null && _names.AsSpan().SequenceEqual(other._names) && BlobValue.SequenceEquals(_columns, other._columns);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RecordArray r && Equals(r);

    /// <inheritdoc />
    public override int GetHashCode() => _names.Length;
}

/// <summary>
/// A Python tuple (<c>01</c>). Decoded tuples use this type so that they re-encode as tuples; when packing,
/// C# tuples (<see cref="System.Runtime.CompilerServices.ITuple"/>) become Python tuples too.
/// Equality is structural, so tuples work as dictionary keys and set members.
/// </summary>
public sealed class BlobTuple : IReadOnlyList<object?>, IEquatable<BlobTuple>
{
    private readonly object?[] _items;

    /// <summary>Creates a tuple of the given items.</summary>
    public BlobTuple(params object?[] items) => _items = items ?? throw new ArgumentNullException(nameof(items));

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public object? this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(BlobTuple? other) => other is not null && BlobValue.SequenceEquals(_items, other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobTuple t && Equals(t);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var item in _items) h.Add(BlobValue.HashOf(item));
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(", ", _items) + (_items.Length == 1 ? ",)" : ")");
}

/// <summary>
/// A decoded Python dict whose keys are all strings (<c>04</c>): a read-only dictionary that keeps the
/// encoded (insertion) order. Packing it writes the pairs in the same order.
/// </summary>
public sealed class BlobDictionary : IReadOnlyDictionary<string, object?>, IEquatable<BlobDictionary>
{
    private readonly string[] _keys;
    private readonly object?[] _values;
    private Dictionary<string, int>? _index;

    internal BlobDictionary(string[] keys, object?[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>Creates an ordered dictionary from pairs (later duplicates are refused).</summary>
    public BlobDictionary(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var keys = new List<string>();
        var values = new List<object?>();
        foreach (var (k, v) in pairs)
        {
            keys.Add(k);
            values.Add(v);
        }
        _keys = [.. keys];
        _values = [.. values];
        _ = Index;
    }

    private Dictionary<string, int> Index
    {
        get
        {
            if (_index is null)
            {
                var index = new Dictionary<string, int>(_keys.Length, StringComparer.Ordinal);
                for (int i = 0; i < _keys.Length; i++)
                    if (!index.TryAdd(_keys[i], i))
                        throw new DataJointException($"Duplicate dictionary key '{_keys[i]}'.");
                _index = index;
            }
            return _index;
        }
    }

    /// <inheritdoc />
    public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The blob dictionary has no key '{key}'.");

    /// <summary>Keys in encoded order.</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>Values in encoded order.</summary>
    public IEnumerable<object?> Values => _values;

    /// <inheritdoc />
    public int Count => _keys.Length;

    /// <summary>The key at position <paramref name="index"/> (encoded order).</summary>
    public string KeyAt(int index) => _keys[index];

    /// <summary>The value at position <paramref name="index"/> (encoded order).</summary>
    public object? ValueAt(int index) => _values[index];

    /// <inheritdoc />
    public bool ContainsKey(string key) => Index.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out object? value)
    {
        if (Index.TryGetValue(key, out int i))
        {
            value = _values[i];
            return true;
        }
        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < _keys.Length; i++)
            yield return new KeyValuePair<string, object?>(_keys[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(BlobDictionary? other) =>
        other is not null && _keys.AsSpan().SequenceEqual(other._keys) && BlobValue.SequenceEquals(_values, other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobDictionary d && Equals(d);

    /// <inheritdoc />
    public override int GetHashCode() => _keys.Length;
}

/// <summary>
/// A decoded Python dict with at least one non-string key (ints, tuples, dates...): the pairs in encoded
/// (insertion) order. Keys compare structurally (see <see cref="BlobTuple"/>).
/// </summary>
public sealed class BlobMap : IReadOnlyList<KeyValuePair<object?, object?>>, IEquatable<BlobMap>
{
    private readonly KeyValuePair<object?, object?>[] _pairs;

    /// <summary>Creates a map from pairs in order.</summary>
    public BlobMap(IEnumerable<KeyValuePair<object?, object?>> pairs) => _pairs = [.. pairs ?? throw new ArgumentNullException(nameof(pairs))];

    internal BlobMap(KeyValuePair<object?, object?>[] pairs, bool trusted)
    {
        _ = trusted;
        _pairs = pairs;
    }

    /// <inheritdoc />
    public int Count => _pairs.Length;

    /// <inheritdoc />
    public KeyValuePair<object?, object?> this[int index] => _pairs[index];

    /// <summary>Looks a key up (linear scan, structural equality).</summary>
    public bool TryGetValue(object? key, out object? value)
    {
        foreach (var p in _pairs)
        {
            if (BlobValue.DeepEquals(p.Key, key))
            {
                value = p.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<object?, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(BlobMap? other)
    {
        if (other is null || other._pairs.Length != _pairs.Length) return false;
        for (int i = 0; i < _pairs.Length; i++)
            if (!BlobValue.DeepEquals(_pairs[i].Key, other._pairs[i].Key) || !BlobValue.DeepEquals(_pairs[i].Value, other._pairs[i].Value))
                return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobMap m && Equals(m);

    /// <inheritdoc />
    public override int GetHashCode() => _pairs.Length;
}

/// <summary>
/// A Python <c>Decimal</c> whose text does not round-trip through <see cref="decimal"/> (more than 28
/// digits, exponent form such as <c>1E+2</c>, <c>NaN</c>, <c>Infinity</c>). It keeps the exact text so it
/// re-encodes byte for byte. Values that fit decode as plain <see cref="decimal"/>.
/// </summary>
/// <param name="Text">The text of Python's <c>str(Decimal)</c>.</param>
public readonly record struct BlobDecimal(string Text)
{
    /// <summary>The value as a <see cref="decimal"/> when it can be represented (possibly rounded).</summary>
    public bool TryGetDecimal(out decimal value) =>
        decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>Structural equality helpers for decoded blob values.</summary>
internal static class BlobValue
{
    public static bool SequenceEquals(object?[] a, object?[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!DeepEquals(a[i], b[i])) return false;
        return true;
    }

    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (a is byte[] x && b is byte[] y) return x.AsSpan().SequenceEqual(y);
        if (a is List<object?> la && b is List<object?> lb)
        {
            if (la.Count != lb.Count) return false;
            for (int i = 0; i < la.Count; i++)
                if (!DeepEquals(la[i], lb[i])) return false;
            return true;
        }
        if (a is HashSet<object?> sa && b is HashSet<object?> sb) return sa.SetEquals(sb);
        if (a is double da && b is double db) return da.Equals(db);
        return a.Equals(b);
    }

    public static int HashOf(object? v) => v switch
    {
        null => 0,
        byte[] bytes => bytes.Length,
        BigInteger big => big.GetHashCode(),
        _ => v.GetHashCode(),
    };
}
