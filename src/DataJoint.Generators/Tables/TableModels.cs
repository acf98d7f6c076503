using DataJoint.Generators.Model;

namespace DataJoint.Generators.Tables
{
    /// <summary>A <c>.proj(new='old')</c> rename with the offsets of both names in the definition text.</summary>
    internal sealed record RenameModel(string NewName, int NewStart, int NewLength, string OldName, int OldStart, int OldLength);

    /// <summary>The primary key of a parent table whose class lives in a referenced assembly (read from its generated <c>Key</c>).</summary>
    /// <param name="FullName">Namespace-qualified dotted class name.</param>
    /// <param name="FullyQualifiedType">The class as C# names it (<c>global::Lab.Subject</c>).</param>
    /// <param name="Key">Its primary-key attributes in order.</param>
    internal sealed record ExternalParentModel(string FullName, string FullyQualifiedType, EquatableArray<ResolvedAttribute> Key);

    /// <summary>How the C# name of a foreign key's reference resolved where the definition is written.</summary>
    internal enum ReferenceLookup
    {
        /// <summary>No type of that name is visible there (the reference may still name a table by DataJoint's rules).</summary>
        NotFound,
        /// <summary>A <c>[Table]</c> class of this compilation (<see cref="TableLineModel.ParentFullName"/>).</summary>
        Table,
        /// <summary>A <c>[Table]</c> class of a referenced assembly (<see cref="TableLineModel.ExternalParent"/>).</summary>
        ExternalTable,
        /// <summary>A type that is not a <c>[Table]</c> class.</summary>
        NotATable,
    }

    /// <summary>
    /// One line of a table definition that contributes attributes: an attribute (<see cref="IsForeignKey"/> false) or
    /// a foreign key. Plain data only (no symbols): the pipeline compares it by value. Offsets index the definition text.
    /// </summary>
    /// <param name="IsForeignKey">True for <c>-&gt; Parent</c> lines.</param>
    /// <param name="Name">The attribute name, or the referenced table name (<c>Neurons</c>, <c>Master.Part</c>, <c>master</c>).</param>
    /// <param name="Reference">For foreign keys: the whole reference as written (with <c>.proj(...)</c>).</param>
    /// <param name="InPrimaryKey">Above the divider.</param>
    /// <param name="Nullable"><c>= null</c> default, or <c>[nullable]</c> foreign key.</param>
    /// <param name="ClrType">The .NET type of a core/native attribute (fully qualified), null for codecs and foreign keys.</param>
    /// <param name="CodecType">The codec type as written (<c>&lt;graph@main&gt;</c>), null otherwise.</param>
    /// <param name="CodecName">The codec name of a codec attribute (<c>graph</c> for <c>&lt;graph@&gt;</c>).</param>
    /// <param name="NameStart">Offset of the attribute name / referenced table name.</param>
    /// <param name="NameLength">Its length.</param>
    /// <param name="TypeStart">Offset of the type (attributes) or the whole reference (foreign keys).</param>
    /// <param name="TypeLength">Its length.</param>
    /// <param name="Renames"><c>.proj</c> renames.</param>
    /// <param name="Lookup">How the reference resolved as a C# name.</param>
    /// <param name="ParentFullName">The resolved class's namespace-qualified dotted name, when found.</param>
    /// <param name="ExternalParent">The parent's key when its class lives in a referenced assembly.</param>
    internal sealed record TableLineModel(
        bool IsForeignKey, string Name, string Reference, bool InPrimaryKey, bool Nullable, string? ClrType, string? CodecType, string? CodecName,
        int NameStart, int NameLength, int TypeStart, int TypeLength, EquatableArray<RenameModel> Renames,
        ReferenceLookup Lookup, string? ParentFullName, ExternalParentModel? ExternalParent);

    /// <summary>A <c>[Table]</c> class as other tables see it (no locations: moving it does not re-resolve the others).</summary>
    /// <param name="Namespace">Namespace (empty for the global one).</param>
    /// <param name="ContainingTypes">Declarations of the containing types, outermost first (<c>partial class Outer</c>).</param>
    /// <param name="ClassName">The simple class name.</param>
    /// <param name="DottedName">Containing type names and the class name joined by dots (the name a reference uses).</param>
    /// <param name="Tier">Manual, Lookup, Imported, Computed or Part; null without a tier base class.</param>
    /// <param name="MasterFullName">For parts: the master's namespace-qualified dotted name (for <c>-&gt; master</c>).</param>
    /// <param name="SqlName">The SQL name from <c>[Table(Name = ...)]</c>, or null (derived from class and tier).</param>
    /// <param name="Schema">The database from <c>[Table(Schema = ...)]</c>, or null (the schema the table is opened in).</param>
    /// <param name="CanGenerate">Has a tier and a definition, is partial (with partial containers) and not generic.</param>
    /// <param name="Lines">Attribute and foreign-key lines in written order.</param>
    internal sealed record TableClassModel(
        string Namespace, EquatableArray<string> ContainingTypes, string ClassName, string DottedName, string? Tier,
        string? MasterFullName, string? SqlName, string? Schema, bool CanGenerate, EquatableArray<TableLineModel> Lines,
        bool HasContents = false)
    {
        public string FullDottedName => Namespace.Length == 0 ? DottedName : Namespace + "." + DottedName;

        public string FullyQualifiedType => "global::" + FullDottedName;
    }

    /// <summary>A table class with what only its own diagnostics need: where it is, and what the parser reported.</summary>
    internal sealed record ExtractedTable(
        TableClassModel Table, SourceSpan ClassLocation, DefinitionLocator? Definition, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>A codec as definitions use it: its dtypes per storage mode and the .NET type of its values.</summary>
    internal sealed record CodecUse(string Name, string? InTable, string? InStore, string? InTableError, string? InStoreError, string ValueType);

    /// <summary>One attribute of a resolved table: SQL name, property name, non-nullable .NET type, nullability, key membership.</summary>
    internal sealed record ResolvedAttribute(string SqlName, string PropertyName, string Type, bool Nullable, bool InPrimaryKey);

    /// <summary>A parent as the generated metadata names it: the reference text and the parent class.</summary>
    internal sealed record ParentReference(string Reference, string FullyQualifiedType);

    /// <summary>Everything the emitter needs for one table.</summary>
    internal sealed record ResolvedTableModel(
        string HintName, string Namespace, EquatableArray<string> ContainingTypes, string ClassName, string Tier,
        string? MasterType, string? SqlName, string? Schema, EquatableArray<ParentReference> Parents,
        EquatableArray<ResolvedAttribute> Attributes, bool HasContents = false);

    /// <summary>The result of resolving one table: what to emit (null when nothing can be) and what to report.</summary>
    internal sealed record TableResult(ResolvedTableModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
