using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DataJoint;

/// <summary>
/// Implemented by the source generator on every <c>[Table]</c> class whose definition parses: the mappers between the
/// generated <c>Row</c>/<c>Key</c> records and the values of the dynamic API, in heading order. Not meant to be
/// implemented by hand; use <see cref="TypedTable{TTable, TRow, TKey}"/>.
/// </summary>
/// <typeparam name="TSelf">The table class.</typeparam>
/// <typeparam name="TRow">Its generated <c>Row</c> record.</typeparam>
/// <typeparam name="TKey">Its generated <c>Key</c> record (primary-key attributes).</typeparam>
public interface ITypedTable<TSelf, TRow, TKey> : DataJoint.Metadata.ITableClass
    where TSelf : UserTable, ITypedTable<TSelf, TRow, TKey>
    where TRow : class
    where TKey : class
{
    /// <summary>SQL attribute names of <typeparamref name="TRow"/>, in heading order.</summary>
    static abstract IReadOnlyList<string> RowAttributes { get; }

    /// <summary>SQL attribute names of <typeparamref name="TKey"/>, in heading order.</summary>
    static abstract IReadOnlyList<string> KeyAttributes { get; }

    /// <summary>Writes the row's values into <paramref name="values"/> in <see cref="RowAttributes"/> order.</summary>
    static abstract void WriteRow(TRow row, object?[] values);

    /// <summary>Writes the key's values into <paramref name="values"/> in <see cref="KeyAttributes"/> order.</summary>
    static abstract void WriteKey(TKey key, object?[] values);

    /// <summary>Builds a typed row from a fetched dynamic row (values already decoded by the codec chain).</summary>
    static abstract TRow ReadRow(Row row);

    /// <summary>
    /// Builds a typed row from the current row of a data reader whose columns are <see cref="RowAttributes"/> in that
    /// order (used when no attribute has a codec), through <see cref="TypedColumns"/>.
    /// </summary>
    static abstract TRow ReadRow(System.Data.Common.DbDataReader reader);

    /// <summary>Builds a typed key from a fetched dynamic row holding at least the primary key.</summary>
    static abstract TKey ReadKey(Row row);

    /// <summary>The SQL attribute name of a <typeparamref name="TRow"/> property, or null.</summary>
    static abstract string? AttributeOf(string propertyName);
}

/// <summary>The SQL attribute name of a generated <c>Row</c>/<c>Key</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class AttributeNameAttribute(string name) : Attribute
{
    /// <summary>The attribute name in the table heading (snake_case).</summary>
    public string Name { get; } = name;
}

/// <summary>Helpers the generated mappers call.</summary>
public static class TypedValues
{
    /// <summary>
    /// The value of <paramref name="attribute"/> in a fetched row as <typeparamref name="T"/> (exact type) for a
    /// non-nullable property: SQL NULL or another type raises a <see cref="DataJointException"/> naming the attribute.
    /// </summary>
    public static T Read<T>(Row row, string attribute)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Convert<T>(row[attribute], attribute, nullable: false);
    }

    /// <summary>As <see cref="Read{T}"/> for a nullable property: SQL NULL gives null.</summary>
    public static T ReadOrNull<T>(Row row, string attribute)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Convert<T>(row[attribute], attribute, nullable: true);
    }

    internal static T Convert<T>(object? value, string attribute, bool nullable)
    {
        if (value is T t) return t;
        if (value is null)
        {
            if (nullable && default(T) is null) return default!;
            throw new DataJointException($"Attribute `{attribute}` is NULL but its typed property is a non-nullable {TypeName(typeof(T))}");
        }
        throw new DataJointException($"Attribute `{attribute}` holds a {value.GetType().Name}, not the {TypeName(typeof(T))} of its typed property");
    }

    private static string TypeName(Type t) => Nullable.GetUnderlyingType(t) is { } u ? u.Name + "?" : t.Name;
}

/// <summary>A read-only name→value view over mapped values (names shared by all rows of one call).</summary>
internal sealed class MappedValues(string[] names, object?[] values) : IReadOnlyDictionary<string, object?>
{
    /// <summary>The attribute names (the same array for every row of one typed call).</summary>
    public string[] NameArray => names;

    /// <summary>The values, in <see cref="NameArray"/> order.</summary>
    public object?[] ValueArray => values;

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
