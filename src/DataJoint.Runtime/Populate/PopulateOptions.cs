using DataJoint.Settings;

namespace DataJoint;

/// <summary>In which order a populate takes its keys.</summary>
public enum PopulateOrder
{
    /// <summary>Key order (direct mode) or the job table's <c>priority, scheduled_time</c> order (reserved jobs).</summary>
    Original,
    /// <summary>The original order reversed.</summary>
    Reverse,
    /// <summary>Shuffled (spreads concurrent workers over different keys).</summary>
    Random,
}

/// <summary>What a populate does (DataJoint Python's <c>populate(...)</c> arguments).</summary>
public sealed record PopulateOptions
{
    /// <summary>Conditions on the key source (AND): only matching keys are made (Python's <c>*restrictions</c>).</summary>
    public IReadOnlyList<object> Restrictions { get; init; } = [];

    /// <summary>Make at most this many keys (Python's <c>max_calls</c>).</summary>
    public int? MaxCalls { get; init; }

    /// <summary>The order keys are taken in.</summary>
    public PopulateOrder Order { get; init; }

    /// <summary>
    /// Collect make errors in <see cref="PopulateResult.Errors"/> and go on with the next key; false (default) stops at the
    /// first error and throws it. A cancellation or a stop signal always stops. A key whose make or commit fails
    /// transiently (a deadlock, a lock wait timeout, a lost connection) is made again first — three attempts in all — and
    /// only then is its failure an error (docs/populate.md, <i>Transient failures and a lost server</i>).
    /// </summary>
    public bool SuppressErrors { get; init; }

    /// <summary>
    /// Coordinate through the job table <c>~~name</c> with other workers, .NET or Python (Python's <c>reserve_jobs</c>):
    /// each key is reserved before it is made, errors are recorded there.
    /// </summary>
    public bool ReserveJobs { get; init; }

    /// <summary>
    /// With <see cref="ReserveJobs"/>: the priority new jobs get when the job table is refreshed, and only jobs of this
    /// priority or more urgent (lower) are taken.
    /// </summary>
    public int? Priority { get; init; }

    /// <summary>With <see cref="ReserveJobs"/>: refresh the job table first; default <see cref="JobsSettings.AutoRefresh"/>.</summary>
    public bool? Refresh { get; init; }

    /// <summary>The <c>jobs.*</c> settings; default: the connection's <see cref="DataJointConnection.AllSettings"/> (<c>datajoint.json</c>, <c>DJ_JOBS_*</c>).</summary>
    public JobsSettings? Jobs { get; init; }

    /// <summary>Receives a report after every key (and one before the first).</summary>
    public IProgress<PopulateProgress>? Progress { get; init; }

    /// <summary>
    /// While populating, SIGTERM and Ctrl-C (SIGINT) stop the worker cleanly: the current key rolls back, its job is
    /// recorded as Python records it (<c>SystemExit: SIGTERM received</c>, <c>KeyboardInterrupt</c>) and the populate
    /// throws <see cref="PopulateInterruptedException"/>. Default true; set false when the host handles signals itself
    /// (then cancel through the <see cref="CancellationToken"/>).
    /// </summary>
    public bool HandleSignals { get; init; } = true;
}

/// <summary>Where a populate stands, reported after every key.</summary>
/// <param name="Total">Keys this populate set out to make.</param>
/// <param name="Done">Keys handled so far (made, failed or skipped).</param>
/// <param name="Succeeded">Keys made.</param>
/// <param name="Failed">Keys whose make failed.</param>
/// <param name="Skipped">Keys another worker had reserved or already made.</param>
/// <param name="LastKey">The key just handled (null in the first report).</param>
public readonly record struct PopulateProgress(int Total, int Done, int Succeeded, int Failed, int Skipped, IReadOnlyDictionary<string, object?>? LastKey);

/// <summary>One failed make.</summary>
/// <param name="Key">The key.</param>
/// <param name="Message">The message as recorded in the job table: <c>"&lt;ExceptionType&gt;: &lt;message&gt;"</c>.</param>
/// <param name="Exception">The exception.</param>
public sealed record PopulateError(IReadOnlyDictionary<string, object?> Key, string Message, Exception Exception);

/// <summary>What a populate did (Python's <c>{"success_count", "error_list"}</c>).</summary>
/// <param name="SuccessCount">Keys made.</param>
/// <param name="Errors">Failed keys (only with <see cref="PopulateOptions.SuppressErrors"/>).</param>
public sealed record PopulateResult(int SuccessCount, IReadOnlyList<PopulateError> Errors);

/// <summary>
/// A populate stopped by SIGTERM or Ctrl-C: the key being made was rolled back and recorded as an error in the job table
/// (as DataJoint Python records it). Let it end the program, or catch it to exit with your own code.
/// </summary>
public sealed class PopulateInterruptedException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public PopulateInterruptedException(string message, System.Runtime.InteropServices.PosixSignal signal) : base(message) => Signal = signal;

    /// <summary>The signal received.</summary>
    public System.Runtime.InteropServices.PosixSignal Signal { get; }
}
