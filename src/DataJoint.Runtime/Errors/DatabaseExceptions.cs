namespace DataJoint;

/// <summary>
/// The database server refused or failed a statement. <see cref="ErrorNumber"/> is the server's error number (0 when
/// the failure was on the connection itself); the driver's exception is the <see cref="Exception.InnerException"/>.
/// The subclasses follow DataJoint Python's mapping of MySQL errors.
/// </summary>
public class DatabaseException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public DatabaseException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>The server's error number (e.g. 1062), or 0 for a connection failure.</summary>
    public int ErrorNumber => (InnerException as MySqlConnector.MySqlException)?.Number ?? 0;
}

/// <summary>An insert hit an existing primary key or unique index value (MySQL error 1062).</summary>
public sealed class DuplicateEntryException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateEntryException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A write violated a foreign key (MySQL errors 1217, 1451, 1452, 3730).</summary>
public sealed class IntegrityException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public IntegrityException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A table that the statement names does not exist (MySQL error 1146).</summary>
public sealed class MissingTableException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public MissingTableException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A statement named a column the table does not have (MySQL error 1054).</summary>
public sealed class UnknownAttributeException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public UnknownAttributeException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The server refused the statement or the login for lack of privileges (MySQL errors 1044, 1045, 1142).</summary>
public sealed class AccessDeniedException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public AccessDeniedException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The server could not parse a statement (MySQL error 1064), e.g. an SQL restriction with a typo.</summary>
public sealed class QuerySyntaxException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public QuerySyntaxException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// A transaction was chosen as the victim of a deadlock (MySQL error 1213). The server rolled it back, so nothing it
/// wrote is in; running the same operation again is safe (see <see cref="Retry"/>).
/// </summary>
public sealed class DeadlockException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public DeadlockException(string message, Exception? inner) : base(message, inner) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}

/// <summary>
/// A statement waited longer than <c>innodb_lock_wait_timeout</c> for a row lock (MySQL error 1205). DataJoint rolls its
/// transaction back, so the operation can be run again.
/// </summary>
public sealed class LockWaitTimeoutException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public LockWaitTimeoutException(string message, Exception? inner) : base(message, inner) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}

/// <summary>
/// The connection to the database server was lost or could not be made (MySQL errors 2006, 2013, 1927, 1053, 1042, a
/// reset or closed socket). A transaction in flight was not committed by the server — except when the connection died
/// while COMMIT itself was being sent, in which case <see cref="CommitOutcomeUnknown"/> is true and the operation must be
/// checked before it is repeated (an idempotent one — skip-duplicates insert, delete, fetch — can simply be repeated).
/// </summary>
public sealed class LostConnectionException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public LostConnectionException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>True when the connection died during COMMIT: the transaction may or may not have been committed.</summary>
    public bool CommitOutcomeUnknown { get; init; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
