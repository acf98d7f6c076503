namespace DataJoint;

/// <summary>How a failed make is written to the job table, in DataJoint Python's format.</summary>
internal static class MakeErrors
{
    /// <summary><c>"&lt;ExceptionType&gt;: &lt;message&gt;"</c>, or the type name alone when the message is empty (Python's format).</summary>
    public static string Message(Exception exception) =>
        string.IsNullOrEmpty(exception.Message) ? exception.GetType().Name : exception.GetType().Name + ": " + exception.Message;

    /// <summary>The stack text recorded in <c>error_stack</c> (type, message, stack trace and inner exceptions).</summary>
    public static string Stack(Exception exception) => exception.ToString();
}
