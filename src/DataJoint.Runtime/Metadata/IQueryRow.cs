using System.Data.Common;

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

    /// <summary>Builds a row from the current row of a reader whose columns are <see cref="Attributes"/> in order.</summary>
    static abstract TSelf Read(DbDataReader reader);
}
