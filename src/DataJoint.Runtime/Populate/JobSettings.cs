namespace DataJoint;

/// <summary>
/// The <c>jobs.*</c> settings of DataJoint Python 2.x (same names and defaults): how job tables are refreshed, what a
/// completed job leaves behind and what a reservation records.
/// </summary>
public sealed record JobSettings
{
    /// <summary>The defaults DataJoint Python uses.</summary>
    public static JobSettings Default { get; } = new();

    /// <summary><c>jobs.default_priority</c> (5): the priority of jobs a refresh adds when none is given; lower is more urgent.</summary>
    public int DefaultPriority { get; init; } = 5;

    /// <summary>
    /// <c>jobs.stale_timeout</c> (3600 s): a refresh deletes jobs older than this (not <c>ignore</c>) whose key left the key
    /// source. <see cref="TimeSpan.Zero"/> skips the clean-up.
    /// </summary>
    public TimeSpan StaleTimeout { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary><c>jobs.keep_completed</c> (false): keep a finished job as <c>success</c> instead of deleting its row.</summary>
    public bool KeepCompleted { get; init; }

    /// <summary><c>jobs.auto_refresh</c> (true): a populate with reserved jobs refreshes the job table first.</summary>
    public bool AutoRefresh { get; init; } = true;

    /// <summary><c>jobs.add_job_metadata</c> (false): declare Computed/Imported tables with the hidden <c>_job_*</c> columns.</summary>
    public bool AddJobMetadata { get; init; }

    /// <summary><c>jobs.allow_new_pk_fields_in_computed_tables</c> (false).</summary>
    public bool AllowNewPrimaryKeyFieldsInComputedTables { get; init; }

    /// <summary>
    /// <c>jobs.version_method</c>: <c>"git"</c> records <c>git rev-parse --short HEAD</c> of the working directory as the
    /// job's version; null or <c>"none"</c> records an empty version.
    /// </summary>
    public string? VersionMethod { get; init; }
}
