using System.Data.Common;
using System.Runtime.CompilerServices;

namespace DataJoint;

/// <summary>
/// Marks a partial record, class or struct as a row type of queries: the source generator implements
/// <see cref="IQueryRow{TSelf}"/> for it, so <c>query.FetchAsync&lt;T&gt;()</c> fills it by attribute name without reflection.
/// A property <c>SubjectId</c> reads the attribute <c>subject_id</c> (or the name given by <see cref="AttributeNameAttribute"/>);
/// positional records are filled through their constructor, other properties through <c>init</c>/<c>set</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class QueryRowAttribute : Attribute;

/// <summary>
/// Implemented by the source generator on every <c>[QueryRow]</c> type: the attributes it reads and its mappers. Not meant
/// to be implemented by hand.
/// </summary>
/// <typeparam name="TSelf">The row type.</typeparam>
public interface IQueryRow<TSelf> where TSelf : IQueryRow<TSelf>
{
    /// <summary>The attribute names the row type reads, in property order.</summary>
    static abstract IReadOnlyList<string> Attributes { get; }

    /// <summary>The property names, aligned with <see cref="Attributes"/> (for messages).</summary>
    static abstract IReadOnlyList<string> Properties { get; }

    /// <summary>The property types, aligned with <see cref="Attributes"/> (nullable value types as <see cref="Nullable{T}"/>).</summary>
    static abstract IReadOnlyList<Type> PropertyTypes { get; }

    /// <summary>Builds a row from a fetched dynamic row (values already decoded by the codec chain).</summary>
    static abstract TSelf Read(Row row);

    /// <summary>Builds a row from the current row of a reader whose columns are <see cref="Attributes"/> in order.</summary>
    static abstract TSelf Read(DbDataReader reader);
}

/// <summary>
/// Conversions the generated <see cref="IQueryRow{TSelf}"/> mappers call. A computed attribute has the type the server
/// gives it (<c>count(*)</c> is a 64-bit integer, <c>avg(x)</c> a decimal or double): numbers convert to the property's
/// numeric type when the value fits (checked), other values must have the property's type.
/// </summary>
public static class QueryRowValues
{
    /// <summary>The attribute's value for a non-nullable property (SQL NULL raises a <see cref="DataJointException"/> naming it).</summary>
    public static T Read<T>(Row row, string attribute)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Convert<T>(row[attribute], attribute, nullable: false);
    }

    /// <summary>The attribute's value for a nullable property: SQL NULL gives null.</summary>
    public static T ReadOrNull<T>(Row row, string attribute)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Convert<T>(row[attribute], attribute, nullable: true);
    }

    private static T Convert<T>(object? value, string attribute, bool nullable)
    {
        if (value is T t) return t;
        if (value is not null && Nullable.GetUnderlyingType(typeof(T)) is { } u ? IsNumeric(u) : IsNumeric(typeof(T)))
        {
            if (value is IConvertible && IsNumeric(value.GetType()))
            {
                var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
                try
                {
                    return (T)System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (OverflowException ex)
                {
                    throw new DataJointException(
                        $"Attribute `{attribute}` holds {value}, which does not fit the {target.Name} of its typed property", ex) { Attribute = attribute };
                }
            }
        }
        return TypedValues.Convert<T>(value, attribute, nullable);
    }

    private static bool IsNumeric(Type t) => Type.GetTypeCode(t) is TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16
        or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal;
}

// Typed fetches: a query's rows into a [QueryRow] type, by attribute name.
public partial class QueryExpression
{
    /// <summary>
    /// The rows as <typeparamref name="T"/>, a <c>[QueryRow]</c> type whose properties name attributes of this query
    /// (<see cref="FetchOptions.OrderBy"/>, <see cref="FetchOptions.Limit"/> and <see cref="FetchOptions.Offset"/> apply;
    /// the attributes are the type's). Without codec or computed attributes rows map straight from the data reader.
    /// </summary>
    public async Task<IReadOnlyList<T>> FetchAsync<T>(FetchOptions? options = null, CancellationToken cancellationToken = default)
        where T : IQueryRow<T>
    {
        var (query, names, direct) = ForRowType<T>(options);
        if (direct) return await query.ReadAllAsync(names, T.Read, cancellationToken).ConfigureAwait(false);
        var rows = await query.FetchAsync(RowOptions(options, names), cancellationToken).ConfigureAwait(false);
        var result = new T[rows.Count];
        for (var i = 0; i < result.Length; i++) result[i] = T.Read(rows[i]);
        return result;
    }

    /// <summary>Streams the rows as <typeparamref name="T"/> (see <see cref="FetchAsync{T}(FetchOptions?, CancellationToken)"/>).</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(FetchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IQueryRow<T>
    {
        var (query, names, direct) = ForRowType<T>(options);
        if (direct)
        {
            await foreach (var row in query.StreamMappedAsync(names, T.Read, cancellationToken).ConfigureAwait(false)) yield return row;
            yield break;
        }
        await foreach (var row in query.StreamAsync(RowOptions(options, names), cancellationToken).ConfigureAwait(false)) yield return T.Read(row);
    }

    /// <summary>The only row as <typeparamref name="T"/>; none or more than one is an error.</summary>
    public async Task<T> Fetch1Async<T>(FetchOptions? options = null, CancellationToken cancellationToken = default) where T : IQueryRow<T>
    {
        var (_, names, _) = ForRowType<T>(options);
        return T.Read(await Fetch1Async(RowOptions(options, names), cancellationToken).ConfigureAwait(false));
    }

    private static FetchOptions RowOptions(FetchOptions? options, IReadOnlyList<string> names) =>
        (options ?? new FetchOptions()) with { Attributes = names };

    /// <summary>The query a typed fetch reads, the row type's attributes (checked against the heading), and whether rows map from the reader.</summary>
    private (QueryExpression Query, IReadOnlyList<string> Names, bool Direct) ForRowType<T>(FetchOptions? options) where T : IQueryRow<T>
    {
        var names = T.Attributes;
        for (var i = 0; i < names.Count; i++)
            if (!Heading.Contains(names[i]))
                throw new DataJointException(
                    $"{typeof(T).Name}.{T.Properties[i]} reads the attribute `{names[i]}`, which is not in the query's heading " +
                    $"({string.Join(", ", Heading.Names)}). Rename the property, give it [AttributeName(\"...\")], or project the query.")
                {
                    Attribute = names[i],
                };
        // Straight from the reader when every property has the type its attribute's values have (no codec, no computation).
        var types = T.PropertyTypes;
        var direct = true;
        for (var i = 0; i < names.Count && direct; i++)
            direct = ColumnOf(names[i]) is { Codec: null } c && TypedColumns.NaturalType(c.Attribute.Kind) is { } natural
                     && (Nullable.GetUnderlyingType(types[i]) ?? types[i]) == natural;
        return (ForFetch(options), names, direct);
    }
}
