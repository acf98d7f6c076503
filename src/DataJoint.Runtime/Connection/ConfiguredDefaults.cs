namespace DataJoint;

/// <summary>
/// The two settings issue #10 reads from DataJoint's configuration: <c>safemode</c> and <c>download_path</c>. Code-level
/// options (per call, on the connection) win over these.
/// </summary>
internal sealed record ConfiguredDefaults(bool? Safemode, string? DownloadPath)
{
    /// <summary>The values for this process (none until the configuration loader provides them).</summary>
    public static ConfiguredDefaults Current { get; } = new(null, null);
}
