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

    private Process StartWorker(Schema schema, params string[] extra) => StartWorker(schema, TestServices.Database.Port, extra);

    /// <summary>Starts a worker that reaches the database server through <paramref name="port"/> on the server's host (a proxy's).</summary>
    private Process StartWorker(Schema schema, int port, params string[] extra)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "DataJoint.PopulateWorker.dll");
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--default-signal", "dotnet", worker, "--schema", schema.Database, "--log", _log }.Concat(extra))
            info.ArgumentList.Add(a);
        foreach (var (k, v) in new[] { ("DJ_HOST", TestServices.Database.Host), ("DJ_PORT", port.ToString()),
                     ("DJ_USER", TestServices.Database.User), ("DJ_PASS", TestServices.Database.Password) })
            info.Environment[k] = v;
        var process = Process.Start(info)!;
        _workers.Add(process);
        return process;
    }

    /// <summary>
    /// Waits for a worker to end and returns its exit code and output (standard output, then standard error). A worker
    /// still running after <paramref name="timeout"/> is killed with its process tree; its exit code is then -1 and its
    /// output, which says so, is kept for the failure message.
    /// </summary>
    private static async Task<(int Exit, string Output)> FinishAsync(Process p, TimeSpan timeout)
    {
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return (-1, $"[worker {p.Id} did not end within {timeout.TotalSeconds:0} s and was killed]\n" + await output + await error);
        }
        return (p.ExitCode, await output + await error);
    }

    /// <summary>
    /// What a failing assertion shows: each worker's exit code and output, and every row of the job table (key, status,
    /// pid, connection, error message) — the error a failed make or reservation recorded.
    /// </summary>
    private async Task<string> DescribeRunAsync(Table work, IReadOnlyList<(int Exit, string Output)> results)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < results.Count; i++)
        {
            var exit = results[i].Exit;
            // 134: an unhandled exception (.NET aborts); other 128 + n: ended by signal n — 9 is a SIGKILL this test did not
            // send (another process killing workers by name).
            var how = exit == 134 ? " (unhandled exception)" : exit > 128 ? $" (killed by signal {exit - 128})" : "";
            text.Append("worker ").Append(i).Append(" exit ").Append(exit).Append(how).Append(": ").AppendLine(results[i].Output.Trim());
        }
        var jobTable = "~~" + work.Name.TrimStart('_');
        try
        {
            var rows = await QueryAsync($"SELECT `subject_id`, `status`, `pid`, `connection_id`, `error_message` FROM `{Schema.Database}`.`{jobTable}` ORDER BY `subject_id`");
            text.Append("job table ").Append(jobTable).Append(": ").Append(rows.Count).AppendLine(" rows");
            foreach (var r in rows) text.AppendLine("  " + string.Join(" | ", r));
        }
        catch (Exception ex)
        {
            text.Append("job table ").Append(jobTable).Append(" could not be read: ").AppendLine(ex.Message);
        }
        return text.ToString();
    }

    private List<(string Kind, int Key, int Pid)> ReadLog() =>
        LogFiles().SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => l.Split(' '))
            .Select(p => p.Length == 3 ? (p[0], int.Parse(p[1]), int.Parse(p[2])) : ("made", int.Parse(p[0]), int.Parse(p[1]))).ToList();

    /// <summary>What a run of several workers left: the keys whose make ran (once per run of the make) and the workers that
    /// ran them, and the description a failing assertion shows.</summary>
    private sealed record WorkersRun(List<int> Made, List<int> MadeBy, string Description);

    /// <summary>
    /// Starts <paramref name="workers"/> workers on keys 1..<paramref name="keys"/> of a new <c>__work</c> table (keys
    /// divisible by <paramref name="failEvery"/> fail on purpose), lets <paramref name="during"/> act while they run,
    /// waits for them, and checks what must hold of every run: each worker ended normally; every key that does not fail
    /// on purpose was committed exactly once (the workers' progress reports, counted independently of the job table), is
    /// in the table, and counted once in the workers' own totals; the failing keys' errors, and nothing else, are in the
    /// job table.
    /// </summary>
    private async Task<WorkersRun> RunWorkersAsync(int workers, int keys, int sleepMs, int failEvery, int? port = null,
        Func<List<Process>, Task>? during = null)
    {
        var work = await DeclareAsync(keys);
        string[] options = ["--sleep-ms", sleepMs.ToString(), "--fail-every", failEvery.ToString()];
        // A test that acts during the run starts it once every worker is ready (its own start-up — opening the schema — is
        // not populate's, and lasts seconds on a loaded machine): then all of them populate when it acts.
        var go = _log + ".go";
        if (during is not null) options = [.. options, "--go", go];
        var started = Enumerable.Range(0, workers).Select(_ => StartWorker(Schema, port ?? TestServices.Database.Port, options)).ToList();
        if (during is not null)
        {
            await WaitForAsync(started, () => ReadLog().Count(l => l.Kind == "ready") == workers, TimeSpan.FromMinutes(2));
            await File.WriteAllTextAsync(go, "");
            await during(started);
        }
        var results = await Task.WhenAll(started.Select(w => FinishAsync(w, TimeSpan.FromMinutes(3))));
        var run = await DescribeRunAsync(work, results);
        Assert.That(results.Select(r => r.Exit), Is.All.EqualTo(0), run);

        var failing = Enumerable.Range(1, keys).Where(k => k % failEvery == 0).ToArray();
        var good = Enumerable.Range(1, keys).Except(failing).ToArray();
        var committed = ReadLog().Where(l => l.Kind == "committed").Select(l => l.Key).Order();
        Assert.That(committed, Is.EqualTo(good), "every key committed exactly once\n" + run);
        Assert.That(await work.CountAsync(), Is.EqualTo(good.Length), run);
        var reported = results.Sum(r => int.Parse(System.Text.RegularExpressions.Regex.Match(r.Output, @"made (\d+) failed").Groups[1].Value));
        Assert.That(reported, Is.EqualTo(good.Length), "the workers' success counts add up\n" + run);

        var jobs = await work.JobsAsync();
        var errors = await jobs.Errors.FetchAsync();
        Assert.That(errors.Select(e => (int)e["subject_id"]!).Order(), Is.EqualTo(failing), "no lost error, no other error\n" + run);
        Assert.That(errors.Select(e => e["error_message"]), Is.All.Matches<string>(m => m!.StartsWith("InvalidOperationException: key ", StringComparison.Ordinal)), run);
        Assert.That(await jobs.Table.CountAsync(), Is.EqualTo(failing.Length), "only the errors stay, no reservation\n" + run);

        var made = ReadLog().Where(l => l.Kind == "made").ToList();
        return new WorkersRun(made.Select(m => m.Key).ToList(), made.Select(m => m.Pid).ToList(), run);
    }

    [Test]
    public async Task FourWorkers_MakeEachOf200KeysExactlyOnce_AndRecordEveryError()
    {
        var run = await RunWorkersAsync(workers: 4, keys: 200, sleepMs: 2, failEvery: 50);
        Assert.That(run.Made.Order(), Is.EqualTo(Enumerable.Range(1, 200).Except([50, 100, 150, 200])), "every make ran exactly once\n" + run.Description);
        Assert.That(run.MadeBy.Distinct().Count(), Is.GreaterThan(1), "the work was shared\n" + run.Description);
    }

    /// <summary>
    /// The database server goes away mid-run, as a restart of a shared server does: a proxy of the test's own in front of
    /// MariaDB resets every worker connection and refuses new ones for two seconds, twice. Every worker rides it out —
    /// reconnects, settles the key it had in flight (rolled back by the server: made again; committed: completed) — and
    /// the run ends as an undisturbed one: every key committed exactly once, only the keys that fail on purpose recorded as
    /// errors, no reservation left behind.
    /// </summary>
    [Test]
    public async Task FourWorkers_RideOutLostConnections_EveryKeyCommittedOnce_NoErrorButTheRealOnes()
    {
        await using var proxy = new Safety.CuttableProxy($"{TestServices.Database.Host}:{TestServices.Database.Port}");
        var committedAtCuts = new List<int>();
        var run = await RunWorkersAsync(workers: 4, keys: 200, sleepMs: 15, failEvery: 50, port: int.Parse(proxy.Endpoint.Split(':')[1]),
            during: async workers =>
            {
                foreach (var after in new[] { 30, 90 })
                {
                    await WaitForAsync(workers, () => ReadLog().Count(l => l.Kind == "made") >= after, TimeSpan.FromMinutes(2));
                    committedAtCuts.Add(ReadLog().Count(l => l.Kind == "committed"));
                    proxy.Cut();
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    proxy.Restore();
                }
            });
        var shown = run.Description + $"committed when cut: {string.Join(", ", committedAtCuts)}\n";
        Assert.That(committedAtCuts, Is.All.LessThan(196), "the cuts came mid-run\n" + shown);
        // Each cut met at least one populating worker, which logged that it reconnected (a DataJoint.Populate warning).
        Assert.That(System.Text.RegularExpressions.Regex.Matches(shown, "reconnecting").Count, Is.GreaterThanOrEqualTo(proxy.Cuts),
            "the workers reconnected\n" + shown);
        // A make runs again only when the server rolled it back: at most one key per worker and cut.
        Assert.That(run.Made.Distinct().Order(), Is.EqualTo(Enumerable.Range(1, 200).Except([50, 100, 150, 200])), shown);
        Assert.That(run.Made.Count - run.Made.Distinct().Count(), Is.LessThanOrEqualTo(4 * proxy.Cuts), "makes run again\n" + shown);
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

    /// <summary>
    /// SIGTERM while the server is away (a worker waiting to reconnect, for up to a minute) stops the worker at once: the
    /// key it had in flight keeps its reservation, which an orphan refresh re-pends once the server is back.
    /// </summary>
    [Test]
    public async Task StopSignal_WhileTheServerIsAway_EndsTheWaitForIt_AtOnce()
    {
        var work = await DeclareAsync(100);
        await using var proxy = new Safety.CuttableProxy($"{TestServices.Database.Host}:{TestServices.Database.Port}");
        var worker = StartWorker(Schema, int.Parse(proxy.Endpoint.Split(':')[1]), "--sleep-ms", "20");
        await WaitForAsync(worker, () => ReadLog().Count(l => l.Kind == "made") >= 5, TimeSpan.FromMinutes(2));
        proxy.Cut(); // and it stays cut
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", worker.Id.ToString()])) await kill.WaitForExitAsync();
        var (exit, output) = await FinishAsync(worker, TimeSpan.FromMinutes(1));
        Assert.That(exit, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain("interrupted").And.Contain("reconnecting"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the worker did not wait out the reconnect window (60 s)\n" + output);

        // At most the key in flight keeps its reservation (made or not: its COMMIT may have reached the server); an orphan
        // refresh re-pends it and the next populate settles it — nothing is lost.
        var jobs = await work.JobsAsync();
        var reserved = await jobs.Reserved.CountAsync();
        Assert.That(reserved, Is.LessThanOrEqualTo(1), "at most the key in flight stays reserved");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.That((await jobs.RefreshAsync(new JobRefreshOptions { OrphanTimeout = TimeSpan.FromSeconds(1) })).Orphaned, Is.EqualTo(reserved));
        var next = StartWorker();
        (exit, output) = await FinishAsync(next, TimeSpan.FromMinutes(2));
        Assert.That(exit, Is.Zero, output);
        Assert.That(await work.CountAsync(), Is.EqualTo(100));
        Assert.That(await jobs.Table.CountAsync(), Is.Zero);
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
    private static Task WaitForAsync(Process worker, Func<bool> condition, TimeSpan timeout) => WaitForAsync([worker], condition, timeout);

    /// <summary>Waits until <paramref name="condition"/> holds; fails at once, with its output, if one of the workers ends first.</summary>
    private static async Task WaitForAsync(IReadOnlyList<Process> workers, Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (workers.FirstOrDefault(w => w.HasExited) is { } worker)
                Assert.Fail($"a worker ended (exit code {worker.ExitCode}) before the awaited point: " +
                            await worker.StandardOutput.ReadToEndAsync() + await worker.StandardError.ReadToEndAsync());
            if (clock.Elapsed > timeout) Assert.Fail("timed out waiting for the workers");
            await Task.Delay(50);
        }
    }
}
