using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DataJoint;

/// <summary>A read-only name→value view over mapped values (names shared by all rows of one call).</summary>
internal sealed class MappedValues(string[] names, object?[] values) : IReadOnlyDictionary<string, object?>
{
    public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
    public IEnumerable<string> Keys => names;
    public IEnumerable<object?> Values => values;
    public int Count => names.Length;
    public bool ContainsKey(string key) => Array.IndexOf(names, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var i = Array.IndexOf(names, key);
        value = i >= 0 ? values[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < names.Length; i++) yield return new KeyValuePair<string, object?>(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
