namespace DataJoint;

/// <summary>
/// The one exception type DataJoint raises for bad input, bad definitions, codec failures and
/// storage errors. Messages name the table, attribute and value kind where they are known.
/// </summary>
public class DataJointException : Exception
{
    public DataJointException(string message) : base(message) { }

    public DataJointException(string message, Exception? innerException) : base(message, innerException) { }
}
