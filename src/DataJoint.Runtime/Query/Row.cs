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
/// order. Rows of one fetch share their key index; a fetched list's rows keep their values by column in the
/// <see cref="RowBlock"/> they were read into (a number is boxed when it is read from the row), a streamed row keeps
/// one value array.
/// </summary>
public sealed class Row : IReadOnlyDictionary<string, object?>
{
    private readonly RowStore _store;
    private readonly int _index;

    internal Row(RowStore store, int index)
    {
        _store = store;
        _index = index;
    }

    /// <summary>The names and index shared by the rows of one fetch.</summary>
    internal RowShape Shape => _store.Shape;

    /// <summary>The value at a position of <see cref="Shape"/>.</summary>
    internal object? ValueAt(int ordinal) => _store.Get(ordinal, _index);

    /// <summary>The value of an attribute; throws a <see cref="DataJointException"/> naming it when absent.</summary>
    public object? this[string key] =>
        Shape.Index.TryGetValue(key, out var i) ? ValueAt(i) : throw new DataJointException($"`{key}` is not in the fetched row ({string.Join(", ", Shape.Names)})");

    /// <summary>The value of an attribute converted to <typeparamref name="T"/> (exact type expected; null for NULL).</summary>
    public T? Get<T>(string key)
    {
        var v = this[key];
        if (v is null) return default;
        if (v is T t) return t;
        throw new DataJointException($"Attribute `{key}` holds a {v.GetType().Name}, not a {typeof(T).Name}");
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => Shape.Names;
    /// <inheritdoc />
    public IEnumerable<object?> Values => Enumerable.Range(0, Count).Select(ValueAt);
    /// <inheritdoc />
    public int Count => Shape.Names.Length;
    /// <inheritdoc />
    public bool ContainsKey(string key) => Shape.Index.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (Shape.Index.TryGetValue(key, out var i)) { value = ValueAt(i); return true; }
        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return new KeyValuePair<string, object?>(Shape.Names[i], ValueAt(i));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", this.Select(kv => kv.Key + ": " + (kv.Value switch { null => "null", byte[] b => $"byte[{b.Length}]", _ => kv.Value }))) + "}";
}
