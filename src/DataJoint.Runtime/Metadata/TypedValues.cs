namespace DataJoint.Metadata;

/// <summary>A decoded value as a typed property's type (the typed mappers' and selectors' one conversion rule).</summary>
internal static class TypedValues
{
    /// <summary>
    /// <paramref name="value"/> of <paramref name="attribute"/> as <typeparamref name="T"/> (exact type): SQL NULL in a
    /// non-nullable property, or another type, raises a <see cref="DataJointException"/> naming the attribute.
    /// </summary>
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
