namespace DataJoint.Settings;

/// <summary>
/// The <c>jobs</c> section (DataJoint Python's autopopulate 2.0 job queue; environment <c>DJ_JOBS_&lt;KEY&gt;</c>, e.g.
/// <c>DJ_JOBS_KEEP_COMPLETED=true</c>). Defaults are Python's.
/// </summary>
public sealed record JobsSettings
{
    internal static readonly string[] Keys =
        ["auto_refresh", "keep_completed", "stale_timeout", "default_priority", "version_method", "allow_new_pk_fields_in_computed_tables", "add_job_metadata"];

    /// <summary><c>jobs.auto_refresh</c>: populate refreshes the job queue first (default true).</summary>
    public bool AutoRefresh { get; init; } = true;
    /// <summary><c>jobs.keep_completed</c>: keep <c>success</c> rows in the jobs table instead of deleting them (default false).</summary>
    public bool KeepCompleted { get; init; }
    /// <summary><c>jobs.stale_timeout</c>: seconds before a pending job whose key left the key source is removed (default 3600).</summary>
    public int StaleTimeoutSeconds { get; init; } = 3600;
    /// <summary><c>jobs.default_priority</c>: priority of new jobs, 0–255, lower is more urgent (default 5).</summary>
    public int DefaultPriority { get; init; } = 5;
    /// <summary><c>jobs.version_method</c>: <c>git</c> (short commit hash), <c>none</c> (empty) or null (disabled, the default).</summary>
    public string? VersionMethod { get; init; }
    /// <summary><c>jobs.allow_new_pk_fields_in_computed_tables</c> (default false).</summary>
    public bool AllowNewPrimaryKeyFieldsInComputedTables { get; init; }
    /// <summary><c>jobs.add_job_metadata</c>: declare the hidden <c>_job_start_time</c>, <c>_job_duration</c>, <c>_job_version</c> columns (default false).</summary>
    public bool AddJobMetadata { get; init; }

    internal static JobsSettings From(SettingValues v)
    {
        var d = new JobsSettings();
        return new JobsSettings
        {
            AutoRefresh = v.GetBool("jobs.auto_refresh") ?? d.AutoRefresh,
            KeepCompleted = v.GetBool("jobs.keep_completed") ?? d.KeepCompleted,
            StaleTimeoutSeconds = v.GetInt("jobs.stale_timeout", min: 0) ?? d.StaleTimeoutSeconds,
            DefaultPriority = v.GetInt("jobs.default_priority", 0, 255) ?? d.DefaultPriority,
            VersionMethod = v.GetChoice("jobs.version_method", "git", "none"),
            AllowNewPrimaryKeyFieldsInComputedTables = v.GetBool("jobs.allow_new_pk_fields_in_computed_tables") ?? false,
            AddJobMetadata = v.GetBool("jobs.add_job_metadata") ?? false,
        };
    }
}
