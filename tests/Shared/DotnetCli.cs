using System.Diagnostics;
using System.Reflection;

namespace DataJoint.Tests.Tools;

/// <summary>Runs the dotnet CLI as a user would (pack, build, run) and the repository root recorded at build time.</summary>
internal static class DotnetCli
{
    /// <summary>The repository this test assembly was built from (AssemblyMetadata "RepoRoot").</summary>
    internal static string RepoRoot =>
        Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>Runs <c>dotnet args</c> in <paramref name="workingDirectory"/>; asserts exit code 0 and returns stdout + stderr.</summary>
    internal static async Task<string> Run(string workingDirectory, CancellationToken ct, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var text = await stdout + await stderr;
        Assert.That(p.ExitCode, Is.Zero, $"dotnet {string.Join(' ', args)} failed:\n{text}");
        return text;
    }

    internal static Task<string> Run(string workingDirectory, CancellationToken ct, params string[] args) => Run(workingDirectory, ct, null, args);
}
