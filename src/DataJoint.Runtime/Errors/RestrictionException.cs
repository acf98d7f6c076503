namespace DataJoint;

/// <summary>
/// A restriction that cannot mean what was asked: a dictionary or object whose keys match no attribute of the
/// heading (DataJoint Python would silently restrict nothing, so a delete would empty the table), a key that is
/// not an attribute name or a JSON path (<c>attr.path[:type]</c>), or a JSON path on an attribute that is not JSON.
/// </summary>
public sealed class RestrictionException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public RestrictionException(string message) : base(message) { }
}
