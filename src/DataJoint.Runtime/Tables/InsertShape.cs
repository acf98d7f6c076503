using System.Collections.Concurrent;
using DataJoint.Dialects;

namespace DataJoint;

/// <summary>
/// The fields of one row shape of a table's inserts, worked out once and reused by every insert of that shape: the names
/// as the rows give them (an object type's properties, a dictionary's keys, a typed table's attributes), the table's
/// fields they fill (heading order), each field's attribute and codec, the primary-key fields, and the statement text
/// around the value tuples. A table keeps the shapes of its object types and typed rows (by their names array) and of
/// the last dictionary shape (by its keys).
/// </summary>
internal sealed class InsertShape
{
    private readonly string?[] _prefixes = new string?[3]; // by InsertMode
    private readonly string?[] _suffixes = new string?[3];

    private InsertShape(Table table, string[] given)
    {
        Given = given;
        var heading = table.TableHeading;
        var set = new HashSet<string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var n in given)
        {
            if (heading.Contains(n)) set.Add(n);
            else unknown.Add(n);
        }
        Unknown = [.. unknown];
        Fields = [.. heading.Names.Where(set.Contains)];
        Attributes = Array.ConvertAll(Fields, f => heading[f]);
        Codecs = Array.ConvertAll(Fields, table.CodecPlan.For);
        Key = [.. Fields.Select((f, i) => (f, i)).Where(p => Attributes[p.i].InPrimaryKey)];
        Map = Array.ConvertAll(given, n => Array.IndexOf(Fields, n));
        Identity = Map.Length == Fields.Length && Map.Select((f, i) => f == i).All(same => same);
        Missing = [.. heading.Attributes.Where(a => !set.Contains(a.Name) && !a.HasDefault).Select(a => a.Name)];
        Table = table;
    }

    /// <summary>The table.</summary>
    public Table Table { get; }

    /// <summary>The names as the rows give them.</summary>
    public string[] Given { get; }

    /// <summary>The given names that are not attributes of the table (refused unless extra fields are ignored).</summary>
    public string[] Unknown { get; }

    /// <summary>The fields filled, in heading order.</summary>
    public string[] Fields { get; }

    /// <summary>The attribute of each field.</summary>
    public HeadingAttribute[] Attributes { get; }

    /// <summary>The codec of each field (null: a core column).</summary>
    public AttributeCodec?[] Codecs { get; }

    /// <summary>The primary-key fields: name and field index.</summary>
    public (string Name, int Field)[] Key { get; }

    /// <summary>For each given name, the index of its field (-1: not an attribute).</summary>
    public int[] Map { get; }

    /// <summary>True when the given names are the fields in order (a row's values are its field values as they are).</summary>
    public bool Identity { get; }

    /// <summary>The attributes without a default that the shape does not give.</summary>
    public string[] Missing { get; }

    /// <summary>The statement text before the value tuples, for <paramref name="mode"/>.</summary>
    public string Prefix(InsertMode mode) =>
        _prefixes[(int)mode] ??= Table.Dialect.InsertPrefix(Table.Database, Table.Name, Fields, mode);

    /// <summary>The statement text after the value tuples, for <paramref name="mode"/>.</summary>
    public string Suffix(InsertMode mode) =>
        _suffixes[(int)mode] ??= Table.Dialect.InsertSuffix(Table.Database, Table.Name, Table.TableHeading.PrimaryKey, mode);

    /// <summary>
    /// The shapes of one table: by names array for object types and typed rows (the array is the type's, the same on
    /// every call), and the last dictionary shape by its keys.
    /// </summary>
    internal sealed class Cache(Table table)
    {
        private const int MaxShapes = 64; // a table inserted from many object types keeps the first ones
        private readonly ConcurrentDictionary<string[], InsertShape> _byNames = new(ReferenceEqualityComparer.Instance);
        private InsertShape? _lastKeys;

        /// <summary>The shape of rows whose names are <paramref name="names"/>, an array that stays the same for their type.</summary>
        public InsertShape ForNames(string[] names)
        {
            if (_byNames.TryGetValue(names, out var shape)) return shape;
            shape = new InsertShape(table, names);
            if (_byNames.Count < MaxShapes) _byNames.TryAdd(names, shape);
            return shape;
        }

        /// <summary>The shape of a dictionary row with the keys <paramref name="keys"/> (the last one is kept).</summary>
        public InsertShape ForKeys(string[] keys)
        {
            if (_lastKeys is { } last && last.Given.AsSpan().SequenceEqual(keys)) return last;
            return _lastKeys = new InsertShape(table, keys);
        }
    }
}
