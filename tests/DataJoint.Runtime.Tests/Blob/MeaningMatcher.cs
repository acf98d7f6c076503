using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace DataJoint.Runtime.Tests.Blob;

/// <summary>
/// Compares a decoded value with the "meaning" description of a vector (types, shapes, element classes and
/// values). Returns null on a match, otherwise a message naming the path and the difference.
/// </summary>
public static class MeaningMatcher
{
    public static string? Match(JsonElement desc, object? actual, string path = "$")
    {
        string type = desc.GetProperty("type").GetString()!;
        switch (type)
        {
            case "None":
                return actual is null ? null : $"{path}: expected None, got {Describe(actual)}";
            case "bool":
                return actual is bool b && b == desc.GetProperty("value").GetBoolean() ? null : $"{path}: expected bool {desc.GetProperty("value")}, got {Describe(actual)}";
            case "int (arbitrary precision)":
            {
                var expected = BigIntOf(desc.GetProperty("value"));
                bool fitsLong = expected >= long.MinValue && expected <= long.MaxValue;
                if (fitsLong) return actual is long l && l == expected ? null : $"{path}: expected long {expected}, got {Describe(actual)}";
                return actual is BigInteger bi && bi == expected ? null : $"{path}: expected BigInteger {expected}, got {Describe(actual)}";
            }
            case "float (float64)":
                return actual is double d && SameDouble(DoubleOf(desc.GetProperty("value")), d) ? null : $"{path}: expected double {desc.GetProperty("value")}, got {Describe(actual)}";
            case "complex (2 x float64)":
            {
                var v = desc.GetProperty("value");
                return actual is Complex c && SameDouble(DoubleOf(v[0]), c.Real) && SameDouble(DoubleOf(v[1]), c.Imaginary) ? null : $"{path}: expected complex {v}, got {Describe(actual)}";
            }
            case "str (UTF-8)":
                return actual is string s && s == desc.GetProperty("value").GetString() ? null : $"{path}: expected string \"{desc.GetProperty("value").GetString()}\", got {Describe(actual)}";
            case "bytes":
            {
                var expected = Convert.FromHexString(desc.GetProperty("value_hex").GetString()!);
                return actual is byte[] bytes && bytes.AsSpan().SequenceEqual(expected) ? null : $"{path}: expected {expected.Length} bytes, got {Describe(actual)}";
            }
            case "UUID":
                return actual is Guid g && g == Guid.Parse(desc.GetProperty("value").GetString()!) ? null : $"{path}: expected UUID {desc.GetProperty("value")}, got {Describe(actual)}";
            case "Decimal":
            {
                string expected = desc.GetProperty("value").GetString()!;
                string? text = actual switch
                {
                    decimal m => m.ToString(CultureInfo.InvariantCulture),
                    BlobDecimal bd => bd.Text,
                    _ => null,
                };
                return text == expected ? null : $"{path}: expected Decimal {expected}, got {Describe(actual)} ({text})";
            }
            case "datetime (naive)":
            {
                var expected = DateTime.Parse(desc.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
                return actual is DateTime dt && dt == expected && dt.Kind == DateTimeKind.Unspecified ? null : $"{path}: expected DateTime {expected:O}, got {Describe(actual)}";
            }
            case "date":
            {
                var expected = DateOnly.Parse(desc.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
                return actual is DateOnly dd && dd == expected ? null : $"{path}: expected DateOnly {expected:O}, got {Describe(actual)}";
            }
            case "time":
            {
                var expected = TimeOnly.Parse(desc.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
                return actual is TimeOnly t && t == expected ? null : $"{path}: expected TimeOnly {expected:O}, got {Describe(actual)}";
            }
            case "list":
                return actual is List<object?> list ? MatchSequence(desc.GetProperty("items"), list, path) : $"{path}: expected List<object?>, got {Describe(actual)}";
            case "tuple":
                return actual is BlobTuple tuple ? MatchSequence(desc.GetProperty("items"), [.. tuple], path) : $"{path}: expected BlobTuple, got {Describe(actual)}";
            case "set":
                return actual is HashSet<object?> set ? MatchSet(desc.GetProperty("items_in_encoded_order"), set, path) : $"{path}: expected HashSet<object?>, got {Describe(actual)}";
            case "dict":
                return MatchDict(desc.GetProperty("pairs_in_encoded_order"), actual, path);
            case "numpy scalar (0-d array)":
                return MatchArray(desc.GetProperty("dtype").GetString()!, [], [desc.GetProperty("value")], actual, path);
            case "ndarray":
                return MatchNdarray(desc, actual, path);
            case "MatCell (MATLAB cell array)":
            {
                if (actual is not MatCell cell) return $"{path}: expected MatCell, got {Describe(actual)}";
                int[] shape = ShapeOf(desc);
                if (!cell.Shape.SequenceEqual(shape)) return $"{path}: expected cell shape [{string.Join(",", shape)}], got [{string.Join(",", cell.Shape)}]";
                var elements = Flatten(desc.GetProperty("elements_row_major_nested"), shape.Length).ToList();
                if (elements.Count != cell.Count) return $"{path}: expected {elements.Count} cell elements, got {cell.Count}";
                for (int r = 0; r < elements.Count; r++)
                {
                    int c = RowToColumnMajor(r, shape);
                    if (Match(elements[r], cell[c], $"{path}{{{c}}}") is { } err) return err;
                }
                return null;
            }
            case "MatStruct (MATLAB struct array)":
            {
                if (actual is not MatStruct st) return $"{path}: expected MatStruct, got {Describe(actual)}";
                int[] shape = ShapeOf(desc);
                if (!st.Shape.SequenceEqual(shape)) return $"{path}: expected struct shape [{string.Join(",", shape)}], got [{string.Join(",", st.Shape)}]";
                var fields = desc.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray();
                if (!st.FieldNames.SequenceEqual(fields)) return $"{path}: expected fields {string.Join(",", fields)}, got {string.Join(",", st.FieldNames)}";
                var elements = Flatten(desc.GetProperty("elements_row_major_nested"), shape.Length).ToList();
                for (int r = 0; r < elements.Count; r++)
                {
                    int c = RowToColumnMajor(r, shape);
                    foreach (var f in fields)
                        if (Match(elements[r].GetProperty(f), st[c, f], $"{path}({c}).{f}") is { } err) return err;
                }
                return null;
            }
            default:
                return $"{path}: the test does not know description type '{type}'";
        }
    }

    /// <summary>Matches a MATLAB-side description (matlab_value: class, size, value / value_rows / value_rule).</summary>
    public static string? MatchMatlab(JsonElement mv, object? actual, string path = "$")
    {
        string cls = mv.GetProperty("class").GetString()!;
        int[] size = mv.GetProperty("size").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        switch (cls)
        {
            case "char":
                if (actual is not BlobArray<char> chars) return $"{path}: expected a char array, got {Describe(actual)}";
                if (!chars.Shape.SequenceEqual(size)) return $"{path}: expected char size [{string.Join(",", size)}], got [{string.Join(",", chars.Shape)}]";
                return new string(chars.Data) == mv.GetProperty("value").GetString() ? null : $"{path}: expected text \"{mv.GetProperty("value").GetString()}\", got \"{new string(chars.Data)}\"";
            case "double":
            case "uint8":
            {
                BlobArray? arr = cls == "double" ? actual as BlobArray<double> : actual as BlobArray<byte>;
                if (arr is null || arr.IsComplex || arr.Class != (cls == "double" ? BlobClass.Double : BlobClass.UInt8))
                    return $"{path}: expected a real {cls} array, got {Describe(actual)}";
                if (!arr.Shape.SequenceEqual(size)) return $"{path}: expected size [{string.Join(",", size)}], got [{string.Join(",", arr.Shape)}]";
                double[] data = arr.GetData().Cast<object>().Select(x => Convert.ToDouble(x, CultureInfo.InvariantCulture)).ToArray();
                if (mv.TryGetProperty("value", out var value))
                {
                    var expected = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(DoubleOf).ToArray() : [DoubleOf(value)];
                    for (int i = 0; i < expected.Length; i++)
                        if (!SameDouble(expected[i], data[i])) return $"{path}[{i}]: expected {expected[i]}, got {data[i]}";
                    return expected.Length == data.Length ? null : $"{path}: expected {expected.Length} values, got {data.Length}";
                }
                if (mv.TryGetProperty("value_rows", out var rows))
                {
                    int r = 0;
                    foreach (var row in rows.EnumerateArray())
                    {
                        int c = 0;
                        foreach (var x in row.EnumerateArray())
                        {
                            if (!SameDouble(DoubleOf(x), data[r + size[0] * c])) return $"{path}({r},{c}): expected {x}, got {data[r + size[0] * c]}";
                            c++;
                        }
                        r++;
                    }
                    return null;
                }
                // value_rule of the 2x3x4 vectors: element (i,j,k) = i + 2(j-1) + 6(k-1), i.e. 1..24 in byte order.
                for (int i = 0; i < data.Length; i++)
                    if (data[i] != i + 1) return $"{path}: column-major element {i} expected {i + 1}, got {data[i]}";
                return null;
            }
            case "double (complex)":
                // Shape and class here; the values are compared by the caller (value_rule is prose).
                if (actual is not BlobArray<double> { IsComplex: true } cd) return $"{path}: expected a complex double array, got {Describe(actual)}";
                return cd.Shape.SequenceEqual(size) ? null : $"{path}: expected size [{string.Join(",", size)}], got [{string.Join(",", cd.Shape)}]";
            case "struct":
            {
                if (actual is not MatStruct st) return $"{path}: expected MatStruct, got {Describe(actual)}";
                if (!st.Shape.SequenceEqual(size)) return $"{path}: expected struct size [{string.Join(",", size)}], got [{string.Join(",", st.Shape)}]";
                var fields = mv.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray();
                if (!st.FieldNames.SequenceEqual(fields)) return $"{path}: expected fields {string.Join(",", fields)}, got {string.Join(",", st.FieldNames)}";
                var value = mv.GetProperty("value");
                var elements = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
                for (int e = 0; e < elements.Count; e++)
                    foreach (var f in fields)
                        if (MatchMatlab(elements[e].GetProperty(f), st[e, f], $"{path}({e}).{f}") is { } err) return err;
                return null;
            }
            case "cell":
            {
                if (actual is not MatCell cell) return $"{path}: expected MatCell, got {Describe(actual)}";
                if (!cell.Shape.SequenceEqual(size)) return $"{path}: expected cell size [{string.Join(",", size)}], got [{string.Join(",", cell.Shape)}]";
                var items = mv.GetProperty("value").EnumerateArray().ToList();
                for (int i = 0; i < items.Count; i++)
                    if (MatchMatlab(items[i], cell[i], $"{path}{{{i}}}") is { } err) return err;
                return null;
            }
            default:
                return $"{path}: the test does not know MATLAB class '{cls}'";
        }
    }

    private static string? MatchNdarray(JsonElement desc, object? actual, string path)
    {
        int[] shape = ShapeOf(desc);
        string dtype = desc.GetProperty("dtype").GetString()!;
        int n = shape.Aggregate(1, (a, b) => a * b);
        List<JsonElement?> values;
        if (desc.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.String)
            values = Enumerable.Repeat<JsonElement?>(null, n).ToList(); // "see rule": np.zeros(...)
        else
            values = Flatten(desc.GetProperty("values_row_major_nested"), shape.Length).Select(x => (JsonElement?)x).ToList();
        return MatchArray(dtype, shape, values, actual, path);
    }

    private static string? MatchArray(string dtype, int[] shape, IReadOnlyList<JsonElement?> rowMajor, object? actual, string path)
    {
        if (actual is not BlobArray arr) return $"{path}: expected a BlobArray ({dtype}), got {Describe(actual)}";
        if (!arr.Shape.SequenceEqual(shape)) return $"{path}: expected shape [{string.Join(",", shape)}], got [{string.Join(",", arr.Shape)}]";
        bool isChar = dtype.StartsWith("|S", StringComparison.Ordinal) || (dtype.StartsWith("<U", StringComparison.Ordinal) && arr is BlobArray<char>);
        (BlobClass cls, Type element, bool complex) = dtype switch
        {
            "float64" => (BlobClass.Double, typeof(double), false),
            "float32" => (BlobClass.Single, typeof(float), false),
            "int8" => (BlobClass.Int8, typeof(sbyte), false),
            "uint8" => (BlobClass.UInt8, typeof(byte), false),
            "int16" => (BlobClass.Int16, typeof(short), false),
            "uint16" => (BlobClass.UInt16, typeof(ushort), false),
            "int32" => (BlobClass.Int32, typeof(int), false),
            "uint32" => (BlobClass.UInt32, typeof(uint), false),
            "int64" => (BlobClass.Int64, typeof(long), false),
            "uint64" => (BlobClass.UInt64, typeof(ulong), false),
            "bool" => (BlobClass.Logical, typeof(bool), false),
            "complex128" => (BlobClass.Double, typeof(double), true),
            "complex64" => (BlobClass.Single, typeof(float), true),
            "object" => (BlobClass.Object, typeof(object), false),
            _ when isChar => (BlobClass.Char, typeof(char), false),
            _ when dtype.StartsWith("<U", StringComparison.Ordinal) => (BlobClass.Object, typeof(object), false),
            _ when dtype.StartsWith("datetime64[", StringComparison.Ordinal) => (Dt64Class(dtype), typeof(long), false),
            _ => throw new InvalidOperationException("unknown dtype " + dtype),
        };
        if (arr.Class != cls || arr.ElementType != element || arr.IsComplex != complex)
            return $"{path}: expected {cls}{(complex ? " complex" : "")} of {element.Name}, got {arr.Class}{(arr.IsComplex ? " complex" : "")} of {arr.ElementType.Name}";
        if (rowMajor.Count != arr.Length) return $"{path}: expected {rowMajor.Count} elements, got {arr.Length}";
        for (int r = 0; r < rowMajor.Count; r++)
        {
            int c = RowToColumnMajor(r, shape);
            object? got = arr.GetData().GetValue(c);
            JsonElement? exp = rowMajor[r];
            string where = $"{path}[{c}]";
            if (exp is null)
            {
                if (Convert.ToDouble(got, CultureInfo.InvariantCulture) != 0) return $"{where}: expected 0, got {got}";
                continue;
            }
            var e = exp.Value;
            string? err = cls switch
            {
                BlobClass.Double or BlobClass.Single when complex =>
                    SameDouble(DoubleOf(e[0]), Convert.ToDouble(got, CultureInfo.InvariantCulture))
                    && SameDouble(DoubleOf(e[1]), Convert.ToDouble(((BlobArray)arr).IsComplex ? ImagOf(arr, c) : 0, CultureInfo.InvariantCulture))
                        ? null : $"{where}: expected {e}, got ({got}, {ImagOf(arr, c)})",
                BlobClass.Double => SameDouble(DoubleOf(e), (double)got!) ? null : $"{where}: expected {e}, got {got}",
                BlobClass.Single => SameDouble((float)DoubleOf(e), (float)got!) ? null : $"{where}: expected {e}, got {got}",
                BlobClass.Logical => (bool)got! == e.GetBoolean() ? null : $"{where}: expected {e}, got {got}",
                BlobClass.Char => e.GetString() == got!.ToString() ? null : $"{where}: expected '{e.GetString()}', got '{got}'",
                BlobClass.Object => e.ValueKind == JsonValueKind.String
                    ? (got is string s && s == e.GetString() ? null : $"{where}: expected \"{e.GetString()}\", got {Describe(got)}")
                    : Match(e, got, where),
                _ when arr.IsDateTime64 => Dt64Count(e.GetString()!, cls) == (long)got! ? null : $"{where}: expected {e} = {Dt64Count(e.GetString()!, cls)}, got {got}",
                _ => BigIntOf(e) == BigInteger.Parse(Convert.ToString(got, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture) ? null : $"{where}: expected {e}, got {got}",
            };
            if (err is not null) return err;
        }
        return null;
    }

    private static object ImagOf(BlobArray arr, int c) => arr switch
    {
        BlobArray<double> d => d.Imaginary![c],
        BlobArray<float> f => f.Imaginary![c],
        _ => 0,
    };

    private static BlobClass Dt64Class(string dtype) => dtype switch
    {
        "datetime64[D]" => BlobClass.DateTime64Days,
        "datetime64[s]" => BlobClass.DateTime64Seconds,
        "datetime64[us]" => BlobClass.DateTime64Microseconds,
        "datetime64[ms]" => BlobClass.DateTime64Milliseconds,
        "datetime64[ns]" => BlobClass.DateTime64Nanoseconds,
        _ => throw new InvalidOperationException("unknown dtype " + dtype),
    };

    public static long Dt64Count(string iso, BlobClass unit)
    {
        var t = DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        long ticks = (t - DateTime.UnixEpoch).Ticks;
        return unit switch
        {
            BlobClass.DateTime64Days => (long)Math.Floor((double)ticks / TimeSpan.TicksPerDay),
            BlobClass.DateTime64Seconds => ticks / TimeSpan.TicksPerSecond,
            BlobClass.DateTime64Milliseconds => ticks / TimeSpan.TicksPerMillisecond,
            BlobClass.DateTime64Microseconds => ticks / 10,
            BlobClass.DateTime64Nanoseconds => ticks * 100,
            _ => throw new InvalidOperationException(),
        };
    }

    private static string? MatchSequence(JsonElement items, IReadOnlyList<object?> actual, string path)
    {
        var expected = items.EnumerateArray().ToList();
        if (expected.Count != actual.Count) return $"{path}: expected {expected.Count} items, got {actual.Count}";
        for (int i = 0; i < expected.Count; i++)
            if (Match(expected[i], actual[i], $"{path}[{i}]") is { } err) return err;
        return null;
    }

    private static string? MatchSet(JsonElement items, HashSet<object?> actual, string path)
    {
        var expected = items.EnumerateArray().ToList();
        if (expected.Count != actual.Count) return $"{path}: expected {expected.Count} set members, got {actual.Count}";
        var remaining = actual.ToList();
        foreach (var e in expected)
        {
            int hit = remaining.FindIndex(a => Match(e, a) is null);
            if (hit < 0) return $"{path}: no set member matches {e}";
            remaining.RemoveAt(hit);
        }
        return null;
    }

    private static string? MatchDict(JsonElement pairs, object? actual, string path)
    {
        var expected = pairs.EnumerateArray().ToList();
        bool allStringKeys = expected.All(p => p[0].GetProperty("type").GetString() == "str (UTF-8)");
        List<KeyValuePair<object?, object?>> got;
        if (allStringKeys)
        {
            if (actual is not BlobDictionary d) return $"{path}: expected BlobDictionary (all keys are strings), got {Describe(actual)}";
            got = d.Select(kv => new KeyValuePair<object?, object?>(kv.Key, kv.Value)).ToList();
            // The IReadOnlyDictionary view answers lookups too.
            foreach (var p in expected)
                if (!d.ContainsKey(p[0].GetProperty("value").GetString()!)) return $"{path}: lookup of key {p[0]} failed";
        }
        else
        {
            if (actual is not BlobMap m) return $"{path}: expected BlobMap (non-string keys), got {Describe(actual)}";
            got = [.. m];
        }
        if (expected.Count != got.Count) return $"{path}: expected {expected.Count} pairs, got {got.Count}";
        for (int i = 0; i < expected.Count; i++)
        {
            if (Match(expected[i][0], got[i].Key, $"{path}.key[{i}]") is { } err) return err;
            if (Match(expected[i][1], got[i].Value, $"{path}.value[{i}]") is { } err2) return err2;
        }
        return null;
    }

    public static int[] ShapeOf(JsonElement desc) => desc.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static IEnumerable<JsonElement> Flatten(JsonElement nested, int depth)
    {
        if (depth == 0)
        {
            yield return nested;
            yield break;
        }
        foreach (var item in nested.EnumerateArray())
            foreach (var x in Flatten(item, depth - 1))
                yield return x;
    }

    public static int RowToColumnMajor(int rowMajor, int[] shape)
    {
        int c = 0, stride = 1;
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            idx[d] = rowMajor % shape[d];
            rowMajor /= shape[d];
        }
        for (int d = 0; d < shape.Length; d++)
        {
            c += idx[d] * stride;
            stride *= shape[d];
        }
        return c;
    }

    public static double DoubleOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            "-0.0" => -0.0,
            var s => double.Parse(s!, CultureInfo.InvariantCulture),
        },
        _ => throw new InvalidOperationException("not a number: " + e),
    };

    /// <summary>Equal values with the same sign bit (so -0.0 differs from 0.0); NaN equals NaN.</summary>
    public static bool SameDouble(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : expected == actual && double.IsNegative(expected) == double.IsNegative(actual);

    private static BigInteger BigIntOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? BigInteger.Parse(e.GetString()!, CultureInfo.InvariantCulture) : new BigInteger(e.GetDecimal());

    public static string Describe(object? v) => v switch
    {
        null => "null",
        BlobArray a => $"{a.GetType().Name.Replace("`1", "")}<{a.ElementType.Name}> {a.Class} [{string.Join(",", a.Shape)}]",
        string s => $"string \"{s}\"",
        _ => $"{v.GetType().Name} {v}",
    };
}
