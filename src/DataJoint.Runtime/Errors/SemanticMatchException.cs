namespace DataJoint;

/// <summary>
/// A join or a restriction by a query would match namesake attributes that are not the same thing: their lineages
/// differ or one is unknown (DataJoint's semantic check). Rename one side with <c>Proj("new=old")</c>, or pass
/// <c>semanticCheck: false</c> to match by name anyway.
/// </summary>
public sealed class SemanticMatchException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public SemanticMatchException(string message) : base(message) { }
}
