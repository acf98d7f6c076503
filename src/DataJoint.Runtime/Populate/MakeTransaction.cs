using System.Data.Common;

namespace DataJoint;

/// <summary>
/// The transaction one make runs in, on the populate worker's connection (<c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c>,
/// as Python starts it).
/// </summary>
internal sealed class MakeTransaction
{
    private static readonly AsyncLocal<MakeTransaction?> Current = new();
    private readonly DataJointConnection _connection;
    private readonly DbConnection _db;
    private readonly MakeTransaction? _outer;
    private bool _done;

    private MakeTransaction(DataJointConnection connection, DbConnection db)
    {
        _connection = connection;
        _db = db;
        _outer = Current.Value;
        Current.Value = this;
    }

    /// <summary>True when the calling code runs inside a transaction on <paramref name="connection"/>.</summary>
    public static bool InTransaction(DataJointConnection connection)
    {
        for (var t = Current.Value; t is not null; t = t._outer)
            if (!t._done && ReferenceEquals(t._connection, connection)) return true;
        return false;
    }

    /// <summary>
    /// Marks the calling async flow as inside the transaction (synchronously, so the mark flows into everything the caller
    /// awaits afterwards) and starts it on the server.
    /// </summary>
    public static Task<MakeTransaction> BeginAsync(DataJointConnection connection, DbConnection db, CancellationToken cancellationToken)
    {
        var tx = new MakeTransaction(connection, db);
        return tx.StartAsync(cancellationToken);
    }

    private async Task<MakeTransaction> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var cmd = QueryExpression.Command(_db, new SqlFragment("START TRANSACTION WITH CONSISTENT SNAPSHOT", []));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return this;
        }
        catch
        {
            _done = true;
            throw;
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await EndAsync("COMMIT", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rolls back; a connection that is already gone rolled back on the server.</summary>
    public async Task RollbackAsync()
    {
        try
        {
            await EndAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The server rolls back a transaction whose connection is lost.
        }
    }

    private async Task EndAsync(string sql, CancellationToken cancellationToken)
    {
        if (_done) return;
        _done = true; // the async-local mark stays in the caller's flow but no longer counts
        await using var cmd = QueryExpression.Command(_db, new SqlFragment(sql, []));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
