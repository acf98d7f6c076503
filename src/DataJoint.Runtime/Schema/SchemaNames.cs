namespace DataJoint;

/// <summary>
/// Maps the schema names code is written against — <c>[Table(Schema = "subjects")]</c> and <c>-&gt; subjects.Subject</c>
/// in definitions — to the databases they are declared and opened in at run time: a lab's test run against
/// <c>test_subjects</c> while production uses <c>subjects</c>, as DataJoint Python binds the same module to another
/// database. Explicit entries win; a name without an entry gets <see cref="Prefix"/> (empty by default: the name itself).
/// Pass it when activating or opening a schema; every schema reached from that one uses the same mapping.
/// </summary>
public sealed class SchemaNames
{
    private readonly Dictionary<string, string> _map;

    /// <summary>Every name maps to itself.</summary>
    public static SchemaNames Identity { get; } = new(new Dictionary<string, string>());

    /// <summary>A mapping with <paramref name="map"/>'s entries (logical name → database) and an optional prefix for the rest.</summary>
    /// <exception cref="DataJointException">A database name would be empty or longer than 64 characters.</exception>
    public SchemaNames(IReadOnlyDictionary<string, string> map, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(prefix);
        _map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (logical, database) in map)
        {
            Check(logical, "schema name");
            Check(database, $"database for schema '{logical}'");
            _map[logical] = database;
        }
        if (prefix.Length > 63) throw new DataJointException($"Schema prefix '{prefix}' is too long: database names have at most 64 characters");
        Prefix = prefix;
    }

    /// <summary>Every schema name gets <paramref name="prefix"/> (<c>subjects</c> → <c>test_subjects</c>).</summary>
    public static SchemaNames WithPrefix(string prefix) => new(new Dictionary<string, string>(), prefix);

    /// <summary>Prepended to every schema name without an explicit entry.</summary>
    public string Prefix { get; }

    /// <summary>The explicit entries (logical name → database).</summary>
    public IReadOnlyDictionary<string, string> Entries => _map;

    /// <summary>The database a schema name written in code stands for.</summary>
    /// <exception cref="DataJointException">The prefixed name is longer than 64 characters.</exception>
    public string Resolve(string schemaName)
    {
        ArgumentNullException.ThrowIfNull(schemaName);
        if (_map.TryGetValue(schemaName, out var database)) return database;
        if (Prefix.Length == 0) return schemaName;
        var prefixed = Prefix + schemaName;
        Check(prefixed, $"database for schema '{schemaName}'");
        return prefixed;
    }

    private static void Check(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64)
            throw new DataJointException($"Invalid {what} '{name}': it must be 1 to 64 characters");
    }
}
