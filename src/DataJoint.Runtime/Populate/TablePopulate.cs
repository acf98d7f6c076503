using DataJoint.Settings;

namespace DataJoint;

/// <summary>Populate, key source, progress and jobs of auto-populated (Computed/Imported) tables.</summary>
public partial class Table
{
    /// <summary>
    /// The default key source: the join of the parents this table's primary key references (each projected to its
    /// primary key, renamed foreign keys projected back to this table's names).
    /// </summary>
    public Task<QueryExpression> KeySourceAsync(CancellationToken cancellationToken = default) => KeySource.DefaultAsync(this, cancellationToken);

    /// <summary>
    /// Calls <paramref name="make"/> for every key of the key source (restricted by <see cref="PopulateOptions.Restrictions"/>)
    /// that the table does not hold yet, each in its own transaction. See <see cref="PopulateOptions"/> for reserved jobs,
    /// errors, order, progress and stopping.
    /// </summary>
    /// <param name="make">Computes and inserts the rows of one key.</param>
    /// <param name="options">What to populate and how.</param>
    /// <param name="keySource">Replaces the default key source (DataJoint Python's <c>key_source</c> override).</param>
    /// <param name="cancellationToken">Stops the populate: the key being made rolls back and its reservation is released.</param>
    public Task<PopulateResult> PopulateAsync(MakeHandler make, PopulateOptions? options = null, QueryExpression? keySource = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(make);
        return Populator.RunAsync(this, MakeMethod.From(make), KeySourceFor(keySource), options, cancellationToken);
    }

    /// <summary>As <see cref="PopulateAsync(MakeHandler, PopulateOptions?, QueryExpression?, CancellationToken)"/> with a three-step make.</summary>
    public Task<PopulateResult> PopulateAsync<TFetched, TComputed>(TripartiteMake<TFetched, TComputed> make, PopulateOptions? options = null,
        QueryExpression? keySource = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(make);
        return Populator.RunAsync(this, MakeMethod.From(make), KeySourceFor(keySource), options, cancellationToken);
    }

    internal Task<PopulateResult> PopulateAsync(MakeMethod make, Func<CancellationToken, Task<QueryExpression>> keySource, PopulateOptions? options,
        CancellationToken cancellationToken) =>
        Populator.RunAsync(this, make, keySource, options, cancellationToken);

    /// <summary>
    /// How many keys of the key source (restricted by <paramref name="restrictions"/>) are still to be made, and how many
    /// there are (DataJoint Python's <c>progress()</c>).
    /// </summary>
    public Task<(long Remaining, long Total)> ProgressAsync(params object[] restrictions) => ProgressAsync(restrictions, null, default);

    /// <summary>As <see cref="ProgressAsync(object[])"/> with a replaced key source and cancellation.</summary>
    public async Task<(long Remaining, long Total)> ProgressAsync(IReadOnlyList<object> restrictions, QueryExpression? keySource,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restrictions);
        var todo = keySource ?? await KeySourceAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in restrictions) todo = todo.Restrict(r);
        todo = todo.Proj();
        var total = await todo.CountAsync(cancellationToken).ConfigureAwait(false);
        var remaining = await todo.Except(this).CountAsync(cancellationToken).ConfigureAwait(false);
        return (remaining, total);
    }

    /// <summary>
    /// The job table <c>~~name</c> of this Computed or Imported table, declared on first use exactly as DataJoint Python
    /// declares it, for refreshing, inspecting and editing the queue that <see cref="PopulateOptions.ReserveJobs"/> uses.
    /// </summary>
    /// <param name="settings">The <c>jobs.*</c> settings; default: the connection's <see cref="DataJointConnection.AllSettings"/> (<c>datajoint.json</c>, <c>DJ_JOBS_*</c>).</param>
    /// <param name="keySource">Replaces the default key source for refresh.</param>
    /// <param name="cancellationToken">Cancels the declaration.</param>
    public Task<JobTable> JobsAsync(JobsSettings? settings = null, QueryExpression? keySource = null, CancellationToken cancellationToken = default) =>
        JobTable.OpenAsync(this, settings ?? Connection.AllSettings.Jobs, KeySourceFor(keySource), cancellationToken);

    private Func<CancellationToken, Task<QueryExpression>> KeySourceFor(QueryExpression? keySource) =>
        keySource is null ? KeySourceAsync : _ => Task.FromResult(keySource);
}
