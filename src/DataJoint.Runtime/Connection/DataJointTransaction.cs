namespace DataJoint;

/// <summary>
/// A transaction a program holds across several calls (DataJoint Python's <c>with conn.transaction:</c>): every insert,
/// delete and fetch on the same <see cref="DataJointConnection"/> in the async flow that began it runs on one database
/// connection in one transaction, so they commit together or roll back together. Store objects (<c>_schema/...</c>) that
/// inserts uploaded are deleted again when it rolls back; hash-addressed objects may be shared and are left for garbage
/// collection. Disposing it without <see cref="CommitAsync"/> rolls back. Populate, and declaring tables, are refused
/// inside it, as in Python.
/// </summary>
public sealed class DataJointTransaction : IAsyncDisposable
{
    private readonly WriteSession _session;

    internal DataJointTransaction(WriteSession session) => _session = session;

    /// <summary>True until the transaction commits or rolls back.</summary>
    public bool IsActive => _session.IsActive;

    /// <summary>Commits everything done in the transaction.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => _session.CommitAsync(cancellationToken);

    /// <summary>Undoes everything done in the transaction, including the <c>_schema/...</c> objects its inserts uploaded.</summary>
    public Task RollbackAsync() => _session.RollbackAsync();

    /// <summary>Rolls back unless committed, and releases the connection.</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();
}

public sealed partial class DataJointConnection
{
    /// <summary>
    /// Begins a transaction that the inserts, deletes and fetches on this connection in the calling async flow join until
    /// it commits, rolls back or is disposed: <c>await using var tx = connection.BeginTransaction(); ...; await tx.CommitAsync();</c>.
    /// It is synchronous on purpose: the transaction becomes current for the caller's flow (a value set inside an async
    /// method would not flow back out). The database transaction starts with the first statement. Only one transaction
    /// per connection and flow; code started with <c>Task.Run</c> inside it joins it too, but must not run statements
    /// concurrently (one connection runs one statement at a time).
    /// </summary>
    public DataJointTransaction BeginTransaction() => new(WriteSession.Begin(this, ambient: true));

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction (see <see cref="BeginTransaction"/>): commits when it returns, rolls
    /// back (and rethrows) when it throws or is cancelled.
    /// </summary>
    public async Task TransactionAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await TransactionAsync<bool>(async ct =>
        {
            await work(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="TransactionAsync(Func{CancellationToken, Task}, CancellationToken)"/>, returning the work's result.</summary>
    public async Task<T> TransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var transaction = BeginTransaction();
        var result = await work(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}
