using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;

namespace DataJoint;

/// <summary>
/// Reads named values out of a row object: dictionaries directly, any other object (anonymous type, record,
/// class) through getters compiled once per type and cached — no reflection per row. Reading objects needs reflection
/// over their type, which the feature switch <see cref="ObjectRows.IsSupported"/> turns off in trimmed and NativeAOT apps
/// (generated <c>Row</c>/<c>Key</c> records and dictionaries never take that path).
/// </summary>
internal sealed class RowAccessor
{
    private static readonly ConcurrentDictionary<Type, RowAccessor> Cache = new();

    private RowAccessor(string[] names, Func<object, object?>[] getters)
    {
        Names = names;
        Getters = getters;
        Index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) Index[names[i]] = i;
    }

    public string[] Names { get; }
    public Func<object, object?>[] Getters { get; }
    public Dictionary<string, int> Index { get; }

    /// <summary>True for row shapes read as dictionaries.</summary>
    public static bool IsDictionary(object row) =>
        row is IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary;

    /// <summary>The accessor for a non-dictionary row type (public readable properties and fields).</summary>
    public static RowAccessor For(Type type) => ObjectRows.IsSupported
        ? Cache.GetOrAdd(type, Build)
        : throw new DataJointException(
            $"Rows of type {type.Name} are read by reflection, which this trimmed or NativeAOT app turns off ({ObjectRows.Switch}): " +
            "insert and restrict with the generated Row and Key records or with dictionaries.");

    [RequiresUnreferencedCode("Reads the public properties and fields of a row type, which trimming may remove.")]
    private static RowAccessor Build(Type type)
    {
        var members = new List<(string Name, Type Type, Func<Expression, Expression> Access)>();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanRead && p.GetIndexParameters().Length == 0)
                members.Add((p.Name, p.PropertyType, e => Expression.Property(e, p)));
        foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            members.Add((f.Name, f.FieldType, e => Expression.Field(e, f)));
        if (members.Count == 0)
            throw new DataJointException($"Rows of type {type.Name} have no public properties to read attributes from");
        var getters = new Func<object, object?>[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var obj = Expression.Parameter(typeof(object), "row");
            var body = Expression.Convert(members[i].Access(Expression.Convert(obj, type)), typeof(object));
            getters[i] = Expression.Lambda<Func<object, object?>>(body, obj).Compile();
        }
        return new RowAccessor(members.Select(m => m.Name).ToArray(), getters);
    }

    /// <summary>
    /// The values of a dictionary row whose keys are exactly <paramref name="names"/> (in any order): the value of
    /// <c>names[i]</c> goes to <c>values[map[i]]</c> (skipped when -1) of a new array of <paramref name="width"/>. False
    /// when the row is not a dictionary or its keys differ (the caller then reads its pairs).
    /// </summary>
    public static bool TryGetValues(object row, string[] names, int[] map, int width, [NotNullWhen(true)] out object?[]? values)
    {
        values = null;
        var found = new object?[width];
        switch (row)
        {
            case IReadOnlyDictionary<string, object?> ro when ro.Count == names.Length:
                for (var i = 0; i < names.Length; i++)
                {
                    if (!ro.TryGetValue(names[i], out var v)) return false;
                    if (map[i] >= 0) found[map[i]] = v;
                }
                break;
            case IDictionary<string, object?> d when d.Count == names.Length:
                for (var i = 0; i < names.Length; i++)
                {
                    if (!d.TryGetValue(names[i], out var v)) return false;
                    if (map[i] >= 0) found[map[i]] = v;
                }
                break;
            case IDictionary nd when nd.Count == names.Length:
                for (var i = 0; i < names.Length; i++)
                {
                    if (!nd.Contains(names[i])) return false;
                    if (map[i] >= 0) found[map[i]] = nd[names[i]];
                }
                break;
            default:
                return false;
        }
        values = found;
        return true;
    }

    /// <summary>Enumerates (name, value) pairs of any row shape.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Pairs(object row)
    {
        switch (row)
        {
            case IReadOnlyDictionary<string, object?> ro:
                return ro;
            case IDictionary<string, object?> d:
                return d;
            case IDictionary nd:
                return nd.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(
                    e.Key as string ?? throw new DataJointException($"Row keys must be attribute names (strings), got {e.Key?.GetType().Name}"), e.Value));
            default:
                var acc = For(row.GetType());
                return acc.Names.Select((n, i) => new KeyValuePair<string, object?>(n, acc.Getters[i](row)));
        }
    }
}

/// <summary>
/// The feature switch <c>DataJoint.ObjectRows.IsSupported</c>: whether rows and conditions given as plain objects
/// (anonymous types, classes) are read through their public properties by reflection. On by default; the
/// DataJoint.Runtime package turns it off in apps published trimmed or NativeAOT (build/DataJoint.Runtime.targets), where
/// the trimmer then removes the reflection, and such rows raise a <see cref="DataJointException"/> saying so.
/// </summary>
internal static class ObjectRows
{
    internal const string Switch = "DataJoint.ObjectRows.IsSupported";

    [FeatureSwitchDefinition(Switch)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    internal static bool IsSupported { get; } = !AppContext.TryGetSwitch(Switch, out var on) || on;
}
