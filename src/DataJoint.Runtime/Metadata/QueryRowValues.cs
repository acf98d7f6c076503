namespace DataJoint.Metadata;

/// <summary>
/// Conversions the generated <see cref="IQueryRow{TSelf}"/> mappers call. A computed attribute has the type the server
/// gives it (<c>count(*)</c> is a 64-bit integer, <c>avg(x)</c> a decimal or double): numbers convert to the property's
/// numeric type when the value fits (checked), other values must have the property's type.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
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
