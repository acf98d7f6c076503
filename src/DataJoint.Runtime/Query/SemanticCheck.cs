namespace DataJoint;

/// <summary>
/// DataJoint's semantic matching (spec §3.4): a join or a restriction by a query matches namesake attributes, and
/// namesakes must be the same thing — both sides must know the attribute's lineage (<c>schema.table.attribute</c>
/// from the <c>~lineage</c> table) and it must be the same. So a shared secondary attribute that no foreign key
/// brings (it has no lineage) refuses the join, and so do two independent <c>id</c> keys. When a table's schema has no
/// <c>~lineage</c> table the check is skipped with a warning, as in Python.
/// </summary>
internal static class SemanticCheck
{
    /// <summary>Raises <see cref="SemanticMatchException"/> when a namesake of <paramref name="left"/> and <paramref name="right"/> is not homologous.</summary>
    public static void Assert(QueryExpression left, QueryExpression right)
    {
        if (!left.Heading.LineageAvailable || !right.Heading.LineageAvailable)
        {
            if (left.Heading.Names.Any(right.Heading.Contains))
                DataJointLog.SemanticCheckSkipped(left.Connection.Loggers.Connection);
            return;
        }
        foreach (var name in left.Heading.Names)
        {
            if (!right.Heading.TryGet(name, out var r)) continue;
            var l1 = left.Heading[name].Lineage;
            var l2 = r.Lineage;
            if (l1 is null || l2 is null)
                throw new SemanticMatchException(
                    $"Cannot join on attribute `{name}`: lineage missing on one side ({l1 ?? "None"} vs {l2 ?? "None"}). " +
                    "Use .proj() to rename one of the attributes, or pass semanticCheck: false to match it anyway.")
                {
                    Attribute = name,
                };
            if (l1 != l2)
                throw new SemanticMatchException(
                    $"Cannot join on attribute `{name}`: different lineages ({l1} vs {l2}). Use .proj() to rename one of the attributes.")
                {
                    Attribute = name,
                };
        }
    }
}
