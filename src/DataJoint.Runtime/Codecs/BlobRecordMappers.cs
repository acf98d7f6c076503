using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

using DataJoint.Metadata;

namespace DataJoint;

/// <summary>Registry of record mappers (filled by generated code when codecs register).</summary>
internal static class BlobRecordMappers
{
    private static readonly ConcurrentDictionary<Type, BlobRecordMapper> Mappers = new();

    internal static void Register(BlobRecordMapper mapper) => Mappers.TryAdd(mapper.RecordType, mapper);

    internal static BlobRecordMapper? Find(Type t) => Mappers.TryGetValue(t, out var m) ? m : null;
}

/// <summary>
/// Converts values produced by blob unpacking into the .NET types record properties declare. The target type comes from
/// generated code (<c>typeof</c> of a property type), annotated so that trimming keeps the constructor it may need: a
/// <c>List&lt;T&gt;</c> property is built empty and filled; a null for a non-nullable value type gives its default.
/// </summary>
internal static class BlobValueConverter
{
    /// <summary>What <see cref="Convert"/> may construct of its target type.</summary>
    internal const DynamicallyAccessedMemberTypes Constructs = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    internal static object? Convert(object? value, [DynamicallyAccessedMembers(Constructs)] Type target)
    {
        if (value is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }
        if (target.IsInstanceOfType(value)) return value;
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(List<>) && value is IEnumerable seq && value is not string)
        {
            var element = target.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(target)!;
            foreach (var item in seq)
            {
                list.Add(ConvertElement(item, element)
                         ?? (element.IsValueType && Nullable.GetUnderlyingType(element) is null
                             ? throw new InvalidCastException($"null to an element of {CodecTypeNames.Of(target)}") : null));
            }
            return list;
        }
        return ConvertElement(value, target);
    }

    /// <summary>
    /// <see cref="Convert"/> for element types (of arrays and lists), which trimming cannot see: everything but building
    /// a list (a list of lists is not converted) or the default of a value type (null stays null).
    /// </summary>
    private static object? ConvertElement(object? value, Type target)
    {
        if (value is null) return null;
        if (target.IsInstanceOfType(value)) return value;
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsEnum)
        {
            return value is string s ? Enum.Parse(underlying, s) : Enum.ToObject(underlying, System.Convert.ChangeType(value, Enum.GetUnderlyingType(underlying), CultureInfo.InvariantCulture));
        }
        if (BlobRecordMappers.Find(underlying) is { } mapper && AsDictionary(value) is { } dict)
        {
            return mapper.FromDictionaryObject(dict);
        }
        if (value is BlobArray)
        {
            // Numeric/char arrays from the blob format: the blob converter knows their shapes and element types.
            return BlobConvert.To(value, target);
        }
        if (underlying.IsSZArray && value is IEnumerable items && value is not string)
        {
            var element = underlying.GetElementType()!;
            var list = new List<object?>();
            foreach (var item in items) list.Add(ConvertElement(item, element));
            var array = Array.CreateInstanceFromArrayType(underlying, list.Count); // a null element of a value type stays its default
            for (var i = 0; i < list.Count; i++) array.SetValue(list[i], i);
            return array;
        }
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(underlying))
        {
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        }
        throw new InvalidCastException($"{value.GetType()} to {target}");
    }

    /// <summary>Views any dictionary with string keys as a read-only string→object dictionary.</summary>
    internal static IReadOnlyDictionary<string, object?>? AsDictionary(object value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> d: return d;
            case IDictionary<string, object?> d2: return new Dictionary<string, object?>(d2);
            case IDictionary nd:
                var copy = new Dictionary<string, object?>(nd.Count);
                foreach (DictionaryEntry e in nd) copy[System.Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = e.Value;
                return copy;
            default: return null;
        }
    }
}
