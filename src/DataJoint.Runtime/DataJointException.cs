namespace DataJoint;

/// <summary>
/// The base of every exception DataJoint raises: bad input, bad definitions, codec failures, database and storage
/// errors. Messages name the schema, table, attribute, store and value kind where they are known, and the same facts
/// are available as properties. Driver and SDK exceptions (MySqlConnector, Minio, sockets) are wrapped, never
/// thrown raw; the original is the <see cref="Exception.InnerException"/>.
/// </summary>
public class DataJointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataJointException(string message) : base(message) { }

    /// <summary>Creates the exception around the error that caused it.</summary>
    public DataJointException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The schema (database) involved, when known.</summary>
    public string? Schema { get; init; }

    /// <summary>The table involved (SQL name, without the database), when known.</summary>
    public string? Table { get; init; }

    /// <summary>The attribute involved, when known.</summary>
    public string? Attribute { get; init; }

    /// <summary>The object store involved, when known.</summary>
    public string? Store { get; init; }

    /// <summary>
    /// True when the failure is transient: the same operation may succeed if tried again (a deadlock, a lock wait
    /// timeout, a lost connection, an S3 server error or timeout).
    /// </summary>
    public virtual bool IsTransient => false;
}
