using System.ComponentModel;

namespace DataJoint.Metadata;

/// <summary>
/// What the source generator knows about a <c>[Table]</c> class, emitted as static data so that
/// <see cref="Schema"/> declares and opens typed tables without reflection (trimming and NativeAOT keep working).
/// Built by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableMetadata
{
    /// <summary>Generated code calls this; every argument comes from the class and its definition.</summary>
    public TableMetadata(string className, TableTier tier, string definition, string? sqlName, string? schema,
        Func<TableMetadata>? master, IReadOnlyList<TableParent> parents)
    {
        ClassName = className;
        Tier = tier;
        Definition = definition;
        SqlName = sqlName;
        Schema = schema;
        _master = master;
        Parents = parents;
    }

    private readonly Func<TableMetadata>? _master;

    /// <summary>The simple class name (<c>Session</c>; a part's own name, <c>Trial</c>).</summary>
    public string ClassName { get; }

    /// <summary>The tier from the base class.</summary>
    public TableTier Tier { get; }

    /// <summary>The definition constant.</summary>
    public string Definition { get; }

    /// <summary><c>[Table(Name = ...)]</c>: the SQL name of an existing table to open, or null.</summary>
    public string? SqlName { get; }

    /// <summary><c>[Table(Schema = ...)]</c>: the database the class is bound to, or null (the schema it is opened through).</summary>
    public string? Schema { get; }

    /// <summary>For parts: the master's metadata.</summary>
    public TableMetadata? Master => _master?.Invoke();

    /// <summary>The parents its foreign keys reference, each with the reference as written (<c>Subject</c>, <c>master</c>).</summary>
    public IReadOnlyList<TableParent> Parents { get; }

    /// <summary>The name a schema registers the class under: <c>Session</c>, or <c>Session.Trial</c> for a part.</summary>
    public string RegistryName => _master is null ? ClassName : Master!.ClassName + "." + ClassName;

    /// <summary>The metadata of <typeparamref name="T"/>.</summary>
    public static TableMetadata Of<T>() where T : ITableClass => T.Metadata;
}

/// <summary>A parent of a generated table: the reference as its definition writes it, and the parent's metadata.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableParent(string reference, Func<TableMetadata> table)
{
    /// <summary>The foreign key's reference (<c>Subject</c>, <c>Lab.Subject</c>, <c>subjects.Subject</c>, <c>master</c>).</summary>
    public string Reference { get; } = reference;

    /// <summary>The parent's metadata (resolved lazily: classes may reference each other in any order).</summary>
    public TableMetadata Table => table();
}

/// <summary>Implemented by the generator on every <c>[Table]</c> class: its static metadata.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITableClass
{
    /// <summary>The class's table metadata.</summary>
    static abstract TableMetadata Metadata { get; }
}
