using System.Data.Common;
using DataJoint.Definitions;

namespace DataJoint.Metadata;

/// <summary>
/// The runtime half of a typed table's mapping, shared by every generated table: the attribute names (from the
/// generated metadata, read once per table class) around the four generated mappers, and the property → attribute map
/// a selector such as <c>r =&gt; r.Network</c> needs (the generator's own naming rule, <see cref="PropertyNaming"/>).
/// </summary>
internal static class TypedMapping<TTable, TRow, TKey>
    where TTable : UserTable, ITypedTable<TTable, TRow, TKey>
    where TRow : class
    where TKey : class
{
    /// <summary>Every attribute of <typeparamref name="TRow"/>, in heading order.</summary>
    public static readonly string[] RowNames = Attributes();

    /// <summary>The primary-key attributes: the first ones of <see cref="RowNames"/>.</summary>
    public static readonly string[] KeyNames = RowNames[..TTable.Metadata.KeyCount];

    private static readonly string[] PropertyNames = PropertyNaming.For(TTable.Metadata.ClassName, RowNames);

    private static string[] Attributes() => TTable.Metadata.Attributes as string[] ?? TTable.Metadata.Attributes.ToArray();

    /// <summary>A typed row from a fetched dynamic row (decoded values).</summary>
    public static TRow ReadRow(Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return TTable.ReadRow(new ColumnSource(row, RowNames));
    }

    /// <summary>A typed key from a fetched row holding at least the key attributes.</summary>
    public static TKey ReadKey(Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return TTable.ReadKey(new ColumnSource(row, KeyNames));
    }

    /// <summary>The row's values in <see cref="RowNames"/> order.</summary>
    public static object?[] Values(TRow row)
    {
        var values = new object?[RowNames.Length];
        TTable.WriteRow(row, values);
        return values;
    }

    /// <summary>The key's values in <see cref="KeyNames"/> order.</summary>
    public static object?[] KeyValues(TKey key)
    {
        var values = new object?[KeyNames.Length];
        TTable.WriteKey(key, values);
        return values;
    }

    /// <summary>The attribute of a <typeparamref name="TRow"/> property, or null.</summary>
    public static string? AttributeOf(string propertyName)
    {
        var i = Array.IndexOf(PropertyNames, propertyName);
        return i >= 0 ? RowNames[i] : null;
    }
}
