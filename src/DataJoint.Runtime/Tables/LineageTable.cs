namespace DataJoint;

/// <summary>The per-schema <c>~lineage</c> table (spec §3.4).</summary>
internal static class LineageTable
{
    public const string Name = LineageSql.TableName;
}
