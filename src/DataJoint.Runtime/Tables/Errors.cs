namespace DataJoint;

/// <summary>An insert hit an existing primary key or unique index value (MySQL error 1062).</summary>
public sealed class DuplicateEntryException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateEntryException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A write violated a foreign key (MySQL errors 1217, 1451, 1452, 3730).</summary>
public sealed class IntegrityException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public IntegrityException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A table that the statement names does not exist (MySQL error 1146).</summary>
public sealed class MissingTableException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public MissingTableException(string message, Exception? inner) : base(message, inner) { }
}
