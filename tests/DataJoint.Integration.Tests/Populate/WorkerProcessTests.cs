using System.Diagnostics;
using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Populate;

/// <summary>
/// Several OS processes (tests/Workers/DataJoint.PopulateWorker) populate the same keys through one job table: every key
/// is made exactly once (counted from the workers' own log, not from the job table), errors are all recorded, a worker
/// killed with SIGKILL leaves a reservation that an orphan refresh re-pends, and SIGTERM stops a worker cleanly.
/// </summary>
[NonParallelizable]
public class WorkerProcessTests : SchemaFixture
{
    protected override string Purpose => "workers";

    private string _log = null!;
    private readonly List<Process> _workers = [];

    [SetUp]
    public void CreateLog() => _log = Path.Combine(Path.GetTempPath(), "djnet-workers-" + Guid.NewGuid().ToString("N") + ".log");

    /// <summary>
    /// Every worker this test started is killed with its process tree, pass or fail, before the schema is dropped (a
    /// worker hanging in a make holds a transaction on it). Workers also end themselves when this test host is gone.
    /// </summary>
    [TearDown]
    public void KillWorkersAndDeleteLog()
    {
        foreach (var worker in _workers)
        {
            try
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                    worker.WaitForExit(TimeSpan.FromSeconds(30));
                }
            }
            catch (InvalidOperationException) { /* exited meanwhile */ }
            worker.Dispose();
        }
        _workers.Clear();
        foreach (var f in LogFiles()) File.Delete(f);
    }

    private string[] LogFiles() => Directory.GetFiles(Path.GetDirectoryName(_log)!, Path.GetFileName(_log) + ".*");

    private Task<Table> DeclareAsync(int keys) => DeclareAsync(Schema, keys);

    private static async Task<Table> DeclareAsync(Schema schema, int keys)
    {
        var subject = await schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        var work = await schema.DeclareAsync("Work", TableTier.Computed, "-> Subject\n---\nvalue : float64");
        await subject.InsertAsync(Enumerable.Range(1, keys).Select(i => new { subject_id = i }));
        return work;
    }

    /// <summary>
    /// Starts a worker through <c>env --default-signal</c>: a test run started in the background by a shell without job
    /// control ignores SIGINT (and SIGQUIT), its children inherit that, and .NET keeps an inherited ignore — such a worker
    /// would never see the Ctrl-C the INT test sends and would hang in its make. Standard input stays an open pipe: the
    /// worker exits when it closes (this test host gone).
    /// </summary>
    private Process StartWorker(params string[] extra) => StartWorker(Schema, extra);

    private Process StartWorker(Schema schema, params string[] extra)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "DataJoint.PopulateWorker.dll");
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--default-signal", "dotnet", worker, "--schema", schema.Database, "--log", _log }.Concat(extra))
            info.ArgumentList.Add(a);
        foreach (var (k, v) in new[] { ("DJ_HOST", TestServices.Database.Host), ("DJ_PORT", TestServices.Database.Port.ToString()),
                     ("DJ_USER", TestServices.Database.User), ("DJ_PASS", TestServices.Database.Password) })
            info.Environment[k] = v;
        var process = Process.Start(info)!;
        _workers.Add(process);
        return process;
    }

    private static async Task<(int Exit, string Output)> FinishAsync(Process p, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var output = p.StandardOutput.ReadToEndAsync(cts.Token);
        var error = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await output + await error);
    }

    private List<(string Kind, int Key, int Pid)> ReadLog() =>
        LogFiles().SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => l.Split(' '))
            .Select(p => p.Length == 3 ? (p[0], int.Parse(p[1]), int.Parse(p[2])) : ("made", int.Parse(p[0]), int.Parse(p[1]))).ToList();

    [Test]
    public async Task FourWorkers_MakeEachOf200KeysExactlyOnce_AndRecordEveryError()
    {
        var work = await DeclareAsync(200);
        var workers = Enumerable.Range(0, 4).Select(_ => StartWorker("--sleep-ms", "2", "--fail-every", "50")).ToList();
        var results = await Task.WhenAll(workers.Select(w => FinishAsync(w, TimeSpan.FromMinutes(3))));
        Assert.That(results.Select(r => r.Exit), Is.All.EqualTo(0), string.Join("\n", results.Select(r => r.Output)));

        var made = ReadLog().Where(l => l.Kind == "made").ToList();
        var failing = new[] { 50, 100, 150, 200 };
        Assert.That(made.Select(m => m.Key).OrderBy(k => k), Is.EqualTo(Enumerable.Range(1, 200).Except(failing)), "every key made exactly once");
        Assert.That(made.Select(m => m.Pid).Distinct().Count(), Is.GreaterThan(1), "the work was shared");
        Assert.That(await work.CountAsync(), Is.EqualTo(196));
        var reported = results.Sum(r => int.Parse(System.Text.RegularExpressions.Regex.Match(r.Output, @"made (\d+)").Groups[1].Value));
        Assert.That(reported, Is.EqualTo(196), "the workers' success counts add up");

        var jobs = await work.JobsAsync();
        var errors = await jobs.Errors.FetchAsync();
        Assert.That(errors.Select(e => (int)e["subject_id"]!).OrderBy(k => k), Is.EqualTo(failing), "no lost error");
        Assert.That(errors.Select(e => e["error_message"]), Is.All.Matches<string>(m => m!.StartsWith("InvalidOperationException: key ", StringComparison.Ordinal)));
        Assert.That(await jobs.Table.CountAsync(), Is.EqualTo(4), "only the errors stay");
    }

    [Test]
    public async Task WorkerKilledMidMake_LeavesAReservation_ThatAnOrphanRefreshRePends()
    {
        var work = await DeclareAsync(3);
        var worker = StartWorker("--hang-key", "2");
        await WaitForAsync(worker, () => ReadLog().Any(l => l.Kind == "hang"), TimeSpan.FromMinutes(2));
        worker.Kill(); // SIGKILL: no chance to clean up
        await worker.WaitForExitAsync();

        var jobs = await work.JobsAsync();
        var reserved = (await jobs.Reserved.FetchAsync()).Single();
        Assert.That(reserved["subject_id"], Is.EqualTo(2));
        Assert.That(reserved["pid"], Is.EqualTo(worker.Id));
        Assert.That(await (work & new { subject_id = 2 }).CountAsync(), Is.Zero);

        // A refresh without an orphan timeout leaves it; with one (shorter than its age) it goes back to pending.
        Assert.That((await jobs.RefreshAsync()).Orphaned, Is.Zero);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.That((await jobs.RefreshAsync(new JobRefreshOptions { OrphanTimeout = TimeSpan.FromSeconds(1) })).Orphaned, Is.EqualTo(1));
        Assert.That((await jobs.Pending.FetchAsync()).Select(r => r["subject_id"]), Does.Contain(2));

        var next = StartWorker();
        var (exit, output) = await FinishAsync(next, TimeSpan.FromMinutes(1));
        Assert.That(exit, Is.Zero, output);
        Assert.That(await work.CountAsync(), Is.EqualTo(3));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
    }

    [TestCase("TERM", "SystemExit: SIGTERM received")]
    [TestCase("INT", "KeyboardInterrupt")]
    public async Task StopSignal_RollsBackTheCurrentKey_RecordsItAsPython_AndStopsTheWorker(string signal, string recorded)
    {
        var work = await DeclareAsync(3);
        var worker = StartWorker("--hang-key", "2");
        await WaitForAsync(worker, () => ReadLog().Any(l => l.Kind == "hang"), TimeSpan.FromMinutes(2));
        using (var kill = Process.Start("kill", ["-" + signal, worker.Id.ToString()])) await kill.WaitForExitAsync();
        var (exit, output) = await FinishAsync(worker, TimeSpan.FromMinutes(1));
        Assert.That(exit, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain("interrupted"));

        var jobs = await work.JobsAsync();
        var error = (await jobs.Errors.FetchAsync()).Single();
        Assert.That(error["subject_id"], Is.EqualTo(2));
        Assert.That(error["error_message"], Is.EqualTo(recorded));
        Assert.That(await (work & new { subject_id = 2 }).CountAsync(), Is.Zero);
        Assert.That(await jobs.Reserved.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task AWorkerNeverOutlivesItsTest_ItEndsWhenItsStandardInputCloses_OrAfterItsLifetime()
    {
        await DeclareAsync(1);
        var other = await NewSchemaAsync("workers");
        await DeclareAsync(other, 1);
        var orphan = StartWorker("--hang-key", "1");
        var bounded = StartWorker(other, "--hang-key", "1", "--max-seconds", "20");
        await WaitForAsync(orphan, () => ReadLog().Count(l => l.Kind == "hang") == 2, TimeSpan.FromMinutes(2));

        // The test host's end closes the pipe the same way.
        orphan.StandardInput.Close();
        var (exit, output) = await FinishAsync(orphan, TimeSpan.FromSeconds(30));
        Assert.That(exit, Is.EqualTo(4), output);
        Assert.That(output, Does.Contain("standard input closed"));

        (exit, output) = await FinishAsync(bounded, TimeSpan.FromSeconds(60));
        Assert.That(exit, Is.EqualTo(5), output);
        Assert.That(output, Does.Contain("lifetime of 20 s exceeded"));
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails at once, with its output, if the worker ends first.</summary>
    private static async Task WaitForAsync(Process worker, Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (worker.HasExited)
                Assert.Fail($"the worker ended (exit code {worker.ExitCode}) before the awaited point: " +
                            await worker.StandardOutput.ReadToEndAsync() + await worker.StandardError.ReadToEndAsync());
            if (clock.Elapsed > timeout) Assert.Fail("timed out waiting for the worker");
            await Task.Delay(50);
        }
    }
}
