using DataJoint.Generators.Model;

namespace DataJoint.Generators.Tables
{
    /// <summary>
    /// One line of a table definition that contributes attributes: an attribute (<see cref="IsForeignKey"/> false) or
    /// a foreign key. Plain data only (no symbols): the pipeline compares it by value.
    /// </summary>
    /// <param name="IsForeignKey">True for <c>-&gt; Parent</c> lines.</param>
    /// <param name="Name">The attribute name, or the referenced table name (<c>Neurons</c>, <c>Master.Part</c>, <c>master</c>).</param>
    /// <param name="InPrimaryKey">Above the divider.</param>
    /// <param name="Nullable"><c>= null</c> default, or <c>[nullable]</c> foreign key.</param>
    /// <param name="ClrType">The .NET type of a core/native attribute (fully qualified), null for codecs and foreign keys.</param>
    /// <param name="CodecName">The codec name of a codec attribute (<c>graph</c> for <c>&lt;graph@&gt;</c>).</param>
    /// <param name="Renames"><c>.proj</c> renames as <c>new=old</c>.</param>
    internal sealed record TableLineModel(
        bool IsForeignKey, string Name, bool InPrimaryKey, bool Nullable, string? ClrType, string? CodecName,
        EquatableArray<string> Renames);

    /// <summary>A <c>[Table]</c> class whose definition parsed without errors.</summary>
    /// <param name="Namespace">Namespace (empty for the global one).</param>
    /// <param name="ContainingTypes">Declarations of the containing types, outermost first (<c>partial class Outer</c>).</param>
    /// <param name="ClassName">The simple class name.</param>
    /// <param name="DottedName">Containing type names and the class name joined by dots (the name a reference uses).</param>
    /// <param name="MasterDottedName">For parts: the master's dotted name (for <c>-&gt; master</c>).</param>
    /// <param name="CanGenerate">Partial (with partial containers) and not generic.</param>
    /// <param name="Lines">Attribute and foreign-key lines in written order.</param>
    internal sealed record TableClassModel(
        string Namespace, EquatableArray<string> ContainingTypes, string ClassName, string DottedName,
        string? MasterDottedName, bool CanGenerate, EquatableArray<TableLineModel> Lines)
    {
        public string FullDottedName => Namespace.Length == 0 ? DottedName : Namespace + "." + DottedName;
    }

    /// <summary>A codec name and the .NET type its values have in a row.</summary>
    internal sealed record CodecValueType(string Name, string ValueType);

    /// <summary>One attribute of a resolved table: SQL name, property name, non-nullable .NET type, nullability, key membership.</summary>
    internal sealed record ResolvedAttribute(string SqlName, string PropertyName, string Type, bool Nullable, bool InPrimaryKey);

    /// <summary>Everything the emitter needs for one table.</summary>
    internal sealed record ResolvedTableModel(
        string HintName, string Namespace, EquatableArray<string> ContainingTypes, string ClassName,
        EquatableArray<ResolvedAttribute> Attributes);
}
