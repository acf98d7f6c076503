using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DataJoint;

/// <summary>The attribute names of fetched rows, shared by every row of one fetch.</summary>
internal sealed class RowShape
{
    public RowShape(IReadOnlyList<string> names)
    {
        Names = names.ToArray();
        Index = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
        for (var i = 0; i < Names.Length; i++) Index[Names[i]] = i;
    }

    public string[] Names { get; }
    public Dictionary<string, int> Index { get; }

    private Ordinals? _lastOrdinals;

    /// <summary>
    /// The position in these rows of each of <paramref name="names"/> (-1 when absent). Typed mappers ask once per row
    /// with the same array, so the answer for the last array is kept.
    /// </summary>
    public int[] OrdinalsOf(string[] names)
    {
        if (_lastOrdinals is { } last && ReferenceEquals(last.Names, names)) return last.Positions;
        var positions = new int[names.Length];
        for (var i = 0; i < names.Length; i++) positions[i] = Index.TryGetValue(names[i], out var p) ? p : -1;
        _lastOrdinals = new Ordinals(names, positions);
        return positions;
    }

    private sealed record Ordinals(string[] Names, int[] Positions);
}

/// <summary>
/// One fetched row: a read-only dictionary from attribute name to decoded value (null for SQL NULL), in heading
/// order. Rows of one fetch share their key index, so a row costs one value array.
/// </summary>
public sealed class Row : IReadOnlyDictionary<string, object?>
{
    private readonly RowShape _shape;
    private readonly object?[] _values;

    internal Row(RowShape shape, object?[] values)
    {
        _shape = shape;
        _values = values;
    }

    /// <summary>The names and index shared by the rows of one fetch.</summary>
    internal RowShape Shape => _shape;

    /// <summary>The value at a position of <see cref="Shape"/>.</summary>
    internal object? ValueAt(int ordinal) => _values[ordinal];

    /// <summary>The value of an attribute; throws a <see cref="DataJointException"/> naming it when absent.</summary>
    public object? this[string key] =>
        _shape.Index.TryGetValue(key, out var i) ? _values[i] : throw new DataJointException($"`{key}` is not in the fetched row ({string.Join(", ", _shape.Names)})");

    /// <summary>The value of an attribute converted to <typeparamref name="T"/> (exact type expected; null for NULL).</summary>
    public T? Get<T>(string key)
    {
        var v = this[key];
        if (v is null) return default;
        if (v is T t) return t;
        throw new DataJointException($"Attribute `{key}` holds a {v.GetType().Name}, not a {typeof(T).Name}");
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => _shape.Names;
    /// <inheritdoc />
    public IEnumerable<object?> Values => _values;
    /// <inheritdoc />
    public int Count => _values.Length;
    /// <inheritdoc />
    public bool ContainsKey(string key) => _shape.Index.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (_shape.Index.TryGetValue(key, out var i)) { value = _values[i]; return true; }
        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++) yield return new KeyValuePair<string, object?>(_shape.Names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", this.Select(kv => kv.Key + ": " + (kv.Value switch { null => "null", byte[] b => $"byte[{b.Length}]", _ => kv.Value }))) + "}";
}
