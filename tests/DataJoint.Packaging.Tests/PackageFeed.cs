using DataJoint.Tests.Tools;

namespace DataJoint.Packaging.Tests;

/// <summary>
/// One local NuGet feed per test run holding DataJoint.Runtime and the plugin codec packages, packed together (one
/// `dotnet pack` of a solution filter) with a unique version so the NuGet cache never serves an older build. Consumers
/// get a nuget.config pointing at it. Removed, with those versions in the NuGet cache, after the run.
/// </summary>
[SetUpFixture]
public sealed class PackageFeed
{
    internal static readonly string[] Projects =
    [
        "src/DataJoint.Runtime/DataJoint.Runtime.csproj",
        "plugins/DataJoint.Codecs.Zarr/DataJoint.Codecs.Zarr.csproj",
        "plugins/DataJoint.Codecs.Hdf5/DataJoint.Codecs.Hdf5.csproj",
    ];

    internal static readonly string[] Packages = ["DataJoint.Runtime", "DataJoint.Codecs.Zarr", "DataJoint.Codecs.Hdf5"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static DirectoryInfo? _work;
    private static bool _packed;

    internal static string Version { get; } = $"0.0.1-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    internal static string Work => (_work ??= Directory.CreateTempSubdirectory("dj-pack-")).FullName;

    internal static string Folder => Path.Combine(Work, "feed");

    /// <summary>Packs the packages (once per run) and returns the feed folder.</summary>
    internal static async Task<string> EnsurePackedAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (!_packed)
            {
                var filter = Path.Combine(Work, "packages.slnf");
                var solution = Path.Combine(DotnetCli.RepoRoot, "DataJoint.sln").Replace("\\", "\\\\");
                var projects = string.Join(", ", Projects.Select(p => $"\"{p}\""));
                await File.WriteAllTextAsync(filter, "{\"solution\": {\"path\": \"" + solution + "\", \"projects\": [" + projects + "]}}", ct);
                await DotnetCli.Run(DotnetCli.RepoRoot, ct, "pack", filter, "-c", "Release", "-o", Folder, $"-p:Version={Version}",
                    "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(Work, "artifacts")}");
                _packed = true;
            }
            return Folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A nuget.config for a consumer folder: the local feed first, then nuget.org (for the packages' dependencies).</summary>
    internal static string NugetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Folder}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """;

    [OneTimeTearDown]
    public void RemoveFeed()
    {
        if (_work is not null)
            try { _work.Delete(recursive: true); } catch (IOException) { }
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Packages)
        {
            var folder = Path.Combine(cache, id.ToLowerInvariant(), Version);
            try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
