using System.Diagnostics;

namespace DataJoint.Tests.Tools;

/// <summary>
/// Independent readers of the files the codecs write (Debian's <c>zstd</c>, <c>h5dump</c> from hdf5-tools, <c>nifti_tool</c>
/// from nifti-bin; scripts/interop-tools.sh installs them). A test that uses one is skipped locally when it is missing, and
/// fails with CI=true (the test command installs them).
/// </summary>
internal static class ExternalTool
{
    internal static string Require(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        var message = $"{name} is not installed (bash scripts/interop-tools.sh installs it).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Ignore(message);
        return name;
    }

    /// <summary>Runs a tool, feeding <paramref name="input"/> on stdin; returns stdout bytes (asserts exit code 0).</summary>
    internal static byte[] Run(string tool, IEnumerable<string> args, byte[]? input = null)
    {
        var psi = new ProcessStartInfo(Require(tool)) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var output = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = p.StandardError.ReadToEndAsync();
        if (input is not null) p.StandardInput.BaseStream.Write(input);
        p.StandardInput.Close();
        copy.Wait();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"{tool} {string.Join(' ', args)} failed: {errors.Result}");
        return output.ToArray();
    }

    internal static string RunText(string tool, params string[] args) => System.Text.Encoding.UTF8.GetString(Run(tool, args));
}
