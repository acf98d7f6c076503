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

    private string? _schema, _table, _attribute, _store;

    /// <summary>The schema (database) involved, when known.</summary>
    public string? Schema { get => _schema; init => _schema = value; }

    /// <summary>The table involved (SQL name, without the database), when known.</summary>
    public string? Table { get => _table; init => _table = value; }

    /// <summary>The attribute involved, when known.</summary>
    public string? Attribute { get => _attribute; init => _attribute = value; }

    /// <summary>The object store involved, when known.</summary>
    public string? Store { get => _store; init => _store = value; }

    /// <summary>Fills in where the failure happened (only what is not set yet) as the exception travels up.</summary>
    internal void Locate(string? schema = null, string? table = null, string? attribute = null, string? store = null)
    {
        _schema ??= schema;
        _table ??= table;
        _attribute ??= attribute;
        _store ??= store;
    }

    /// <summary>
    /// True when the failure is transient: the same operation may succeed if tried again (a deadlock, a lock wait
    /// timeout, a lost connection, an S3 server error or timeout).
    /// </summary>
    public virtual bool IsTransient => false;
}
