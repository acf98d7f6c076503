namespace DataJoint.Metadata;

/// <summary>Helpers the generated mappers call.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
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

