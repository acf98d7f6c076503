using System.Data.Common;
using System.Text.Json;

namespace DataJoint.Metadata;

/// <summary>
/// Typed column reads behind <see cref="ColumnSource"/> when the generated mappers read a data reader's row: the
/// conversions of a dynamic fetch (<see cref="ColumnReaders"/>: <c>bool</c> from tinyint, <c>uuid</c> from big-endian
/// binary(16), <c>float32</c> from its DOUBLE cast, <c>json</c> parsed...) but straight into the property's type, without
/// boxing. The reader for a type is chosen once per type.
/// </summary>
internal static class TypedColumns
{
    /// <summary>Column <paramref name="ordinal"/> as <typeparamref name="T"/> for a non-nullable property: SQL NULL raises a <see cref="DataJointException"/> naming the attribute.</summary>
    public static T Read<T>(DbDataReader reader, int ordinal, string attribute)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsDBNull(ordinal))
            throw new DataJointException($"Attribute `{attribute}` is NULL but its typed property is a non-nullable {TypeName(typeof(T))}");
        return Reader<T>.Read(reader, ordinal);
    }

    /// <summary>As <see cref="Read{T}"/> for a nullable property: SQL NULL gives null.</summary>
    public static T ReadOrNull<T>(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? default! : Reader<T>.Read(reader, ordinal);
    }

    /// <summary>As <see cref="Read{T}"/> for <see cref="ColumnSource"/>: the attribute's name is looked up only to report a NULL.</summary>
    internal static T ReadAt<T>(DbDataReader reader, int ordinal, string[] attributes) =>
        reader.IsDBNull(ordinal)
            ? throw new DataJointException($"Attribute `{attributes[ordinal]}` is NULL but its typed property is a non-nullable {TypeName(typeof(T))}")
            : Reader<T>.Read(reader, ordinal);

    /// <summary>True when every attribute kind has a typed reader here (else typed fetches take the dynamic path).</summary>
    internal static bool Supports(AttributeKind kind) => kind is AttributeKind.Int8 or AttributeKind.Int16 or AttributeKind.Int32
        or AttributeKind.Int64 or AttributeKind.Float32 or AttributeKind.Float64 or AttributeKind.Decimal or AttributeKind.Bool
        or AttributeKind.Uuid or AttributeKind.Json or AttributeKind.Bytes or AttributeKind.Date or AttributeKind.DateTime
        or AttributeKind.String or AttributeKind.Enum;

    /// <summary>The .NET type a fetch gives values of <paramref name="kind"/> that <see cref="Read{T}"/> reads directly, or null.</summary>
    internal static Type? NaturalType(AttributeKind kind) => kind switch
    {
        AttributeKind.Int8 => typeof(sbyte),
        AttributeKind.Int16 => typeof(short),
        AttributeKind.Int32 => typeof(int),
        AttributeKind.Int64 => typeof(long),
        AttributeKind.Float32 => typeof(float),
        AttributeKind.Float64 => typeof(double),
        AttributeKind.Decimal => typeof(decimal),
        AttributeKind.Bool => typeof(bool),
        AttributeKind.Uuid => typeof(Guid),
        AttributeKind.Json => typeof(JsonElement),
        AttributeKind.Bytes => typeof(byte[]),
        AttributeKind.Date => typeof(DateOnly),
        AttributeKind.DateTime => typeof(DateTime),
        AttributeKind.String or AttributeKind.Enum => typeof(string),
        _ => null,
    };

    private static string TypeName(Type t) => Nullable.GetUnderlyingType(t) is { } u ? u.Name + "?" : t.Name;

    private static class Reader<T>
    {
        public static readonly Func<DbDataReader, int, T> Read = (Func<DbDataReader, int, T>)For(typeof(T));
    }

    private static Func<DbDataReader, int, TValue?> Lift<TValue>(Func<DbDataReader, int, TValue> read) where TValue : struct =>
        (r, i) => read(r, i);

    /// <summary>The reader for a property type; a <c>Nullable&lt;U&gt;</c> gets U's reader lifted (spelled out: no generic instantiation at run time).</summary>
    private static Delegate For(Type t)
    {
        if (t == typeof(int?)) return Lift(Plain<int>());
        if (t == typeof(long?)) return Lift(Plain<long>());
        if (t == typeof(short?)) return Lift(Plain<short>());
        if (t == typeof(sbyte?)) return Lift(Plain<sbyte>());
        if (t == typeof(double?)) return Lift(Plain<double>());
        if (t == typeof(float?)) return Lift(Plain<float>());
        if (t == typeof(decimal?)) return Lift(Plain<decimal>());
        if (t == typeof(bool?)) return Lift(Plain<bool>());
        if (t == typeof(DateOnly?)) return Lift(Plain<DateOnly>());
        if (t == typeof(DateTime?)) return Lift(Plain<DateTime>());
        if (t == typeof(Guid?)) return Lift(Plain<Guid>());
        if (t == typeof(JsonElement?)) return Lift(Plain<JsonElement>());
        return Plain(t);
    }

    private static Func<DbDataReader, int, T> Plain<T>() => (Func<DbDataReader, int, T>)Plain(typeof(T));

    /// <summary>The reads of the dynamic fetch (<see cref="ColumnReaders"/>), by the property's type.</summary>
    private static Delegate Plain(Type t) => ColumnReaders.ForType(t)
        ?? throw new DataJointException($"No typed column reader for {t.Name}; this table's typed fetch should have taken the dynamic path.");
}
