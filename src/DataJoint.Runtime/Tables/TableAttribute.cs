namespace DataJoint;

/// <summary>
/// Marks a partial class as a DataJoint table. The class derives from a tier base class
/// (<c>Manual</c>, <c>Lookup</c>, <c>Imported</c>, <c>Computed</c>, <c>Part&lt;TMaster&gt;</c>) and declares its
/// definition as <c>public const string Definition = """ ... """;</c>. The source generator checks the definition at
/// compile time and emits the typed <c>Row</c> and <c>Key</c> records and mappers.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class TableAttribute : Attribute
{
    /// <summary>
    /// Overrides the SQL table name derived from the class name (CamelCase to snake_case plus the tier prefix).
    /// Rarely needed; used to map a class onto a table another client declared.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// Binds the class to a database (schema) of its own: it is declared and opened there whatever schema it is opened
    /// through (that schema lends its connection and stores), and other definitions may reference it across schemas
    /// by its class or as DataJoint Python writes it, <c>-&gt; schema.Class</c>. The name is mapped to the actual database
    /// at run time by the <see cref="SchemaMap"/> of the schema it is opened through (by default, itself).
    /// </summary>
    public string? Schema { get; init; }
}
