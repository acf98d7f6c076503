using DataJoint.Settings;
using System.Diagnostics;

namespace DataJoint;

/// <summary>What a reservation records about the worker: host name, process id and the code version.</summary>
internal static class WorkerIdentity
{
    private static readonly Lazy<string> GitVersion = new(ReadGitVersion);

    /// <summary>The machine name (Python's <c>platform.node()</c>).</summary>
    public static string Host { get; } = Environment.MachineName;

    /// <summary>This process's id.</summary>
    public static int ProcessId { get; } = Environment.ProcessId;

    /// <summary>The job version per <c>jobs.version_method</c>: <c>git rev-parse --short HEAD</c> for "git", else empty; at most 64 characters.</summary>
    public static string Version(JobsSettings settings) =>
        string.Equals(settings.VersionMethod, "git", StringComparison.OrdinalIgnoreCase) ? GitVersion.Value : "";

    private static string ReadGitVersion()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (p is null) return "";
            var output = p.StandardOutput.ReadToEnd().Trim();
            if (!p.WaitForExit(5000)) { p.Kill(); return ""; }
            var version = p.ExitCode == 0 ? output : "";
            return version.Length > 64 ? version[..64] : version;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return ""; // no git: Python records an empty version too
        }
    }
}
