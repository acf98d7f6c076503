namespace DataJoint;

/// <summary>
/// An object store failed an operation. <see cref="DataJointException.Store"/> names the store and
/// <see cref="ObjectPath"/> the object (store-relative path) when there is one; the SDK's or file system's exception is
/// the <see cref="Exception.InnerException"/>.
/// </summary>
public class StoreException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public StoreException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The store-relative path of the object involved, when there is one.</summary>
    public string? ObjectPath { get => ObjectPathValue; init => ObjectPathValue = value; }

    internal string? ObjectPathValue { get; set; }
}

/// <summary>An object a row refers to is not in its store (DataJoint Python's <c>MissingExternalFile</c>).</summary>
public sealed class MissingExternalFileException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public MissingExternalFileException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The configured bucket does not exist or cannot be reached with these credentials (Python's <c>BucketInaccessible</c>).</summary>
public sealed class BucketInaccessibleException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public BucketInaccessibleException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The store refused the credentials or the operation (S3 403: unknown key, bad signature, no permission).</summary>
public sealed class StoreAccessDeniedException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreAccessDeniedException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// The store could not be reached or answered with a server error (connection refused or reset, DNS failure, S3 5xx).
/// Transient: the operation may succeed when tried again.
/// </summary>
public sealed class StoreUnavailableException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}

/// <summary>
/// The store did not answer within the configured timeout (<see cref="Stores.StoreSpec.ConnectTimeout"/>,
/// <see cref="Stores.StoreSpec.RequestTimeout"/>). Transient: the operation may succeed when tried again.
/// </summary>
public sealed class StoreTimeoutException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreTimeoutException(string message, Exception? inner = null) : base(message, inner) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}

/// <summary>An object's bytes do not match its metadata (hash or size): it was changed or damaged in the store.</summary>
public sealed class StoreIntegrityException : StoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreIntegrityException(string message, Exception? inner = null) : base(message, inner) { }
}

internal static class StoreExceptionExtensions
{
    /// <summary>Names the store and object on a new store exception.</summary>
    internal static StoreException At(this StoreException ex, string store, string path)
    {
        ex.Locate(store: store);
        ex.ObjectPathValue ??= path;
        return ex;
    }
}
