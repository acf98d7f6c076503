namespace DataJoint.Metadata;

/// <summary>
/// Implemented by the source generator on every <c>[QueryRow]</c> type: the attributes it reads and its mappers. Not meant
/// to be implemented by hand.
/// </summary>
/// <typeparam name="TSelf">The row type.</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IQueryRow<TSelf> where TSelf : IQueryRow<TSelf>
{
    /// <summary>The attribute names the row type reads, in property order.</summary>
    static abstract IReadOnlyList<string> Attributes { get; }

    /// <summary>The property names, aligned with <see cref="Attributes"/> (for messages).</summary>
    static abstract IReadOnlyList<string> Properties { get; }

    /// <summary>The property types, aligned with <see cref="Attributes"/> (nullable value types as <see cref="Nullable{T}"/>).</summary>
    static abstract IReadOnlyList<Type> PropertyTypes { get; }

    /// <summary>Builds a row from a fetched dynamic row (values already decoded by the codec chain).</summary>
    static abstract TSelf Read(Row row);

    /// <summary>
    /// Builds a row from the columns of a fetch whose attributes are <see cref="Attributes"/> in order, read straight from the
    /// data reader (used when every property has exactly its attribute's value type and no attribute has a codec).
    /// </summary>
    static abstract TSelf Read(ColumnSource source);
}
