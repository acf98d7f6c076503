namespace DataJoint;

/// <summary>
/// Maps the schema names code is written against — <c>[Table(Schema = "subjects")]</c> and <c>-&gt; subjects.Subject</c>
/// in definitions — to the databases they are declared and opened in at run time: a lab's test run against
/// <c>test_subjects</c> while production uses <c>subjects</c>, as DataJoint Python binds the same module to another
/// database. Explicit entries win; a name without an entry gets <see cref="Prefix"/> (empty by default: the name itself).
/// Pass it when activating or opening a schema; every schema reached from that one uses the same mapping.
/// </summary>
public sealed class SchemaMap
{
    private readonly Dictionary<string, string> _map;

    /// <summary>Every name maps to itself.</summary>
    public static SchemaMap Identity { get; } = new(new Dictionary<string, string>());

    /// <summary>A mapping with <paramref name="map"/>'s entries (logical name → database) and an optional prefix for the rest.</summary>
    /// <exception cref="DataJointException">A name is not a valid schema name (<see cref="SchemaNames.Check"/>).</exception>
    public SchemaMap(IReadOnlyDictionary<string, string> map, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(prefix);
        _map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (logical, database) in map)
        {
            SchemaNames.Check(logical);
            SchemaNames.Check(database);
            _map[logical] = database;
        }
        if (prefix.Length > 0) SchemaNames.Check(prefix);
        Prefix = prefix;
    }

    /// <summary>Every schema name gets <paramref name="prefix"/> (<c>subjects</c> → <c>test_subjects</c>).</summary>
    public static SchemaMap WithPrefix(string prefix) => new(new Dictionary<string, string>(), prefix);

    /// <summary>Prepended to every schema name without an explicit entry.</summary>
    public string Prefix { get; }

    /// <summary>The explicit entries (logical name → database).</summary>
    public IReadOnlyDictionary<string, string> Entries => _map;

    /// <summary>The database a schema name written in code stands for.</summary>
    /// <exception cref="DataJointException">The prefixed name is not a valid schema name (longer than 64 characters).</exception>
    public string Resolve(string schemaName)
    {
        ArgumentNullException.ThrowIfNull(schemaName);
        if (_map.TryGetValue(schemaName, out var database)) return database;
        if (Prefix.Length == 0) return schemaName;
        var prefixed = Prefix + schemaName;
        SchemaNames.Check(prefixed);
        return prefixed;
    }
}
