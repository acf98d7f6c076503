// A populate worker for the multi-process tests. It opens `<schema>`.`__work` (declared by the test), populates it with
// reserved jobs and a make that appends "<subject_id> <pid>" to its own log file (<log>.<pid>) each time it runs (counted by the
// test independently of the job table), optionally failing some keys or hanging on one (until stopped). Each key the populate
// reports made — committed — is logged as "committed <subject_id> <pid>" from its progress reports. With --go <file> it logs
// "ready 0 <pid>" once its schema and table are open and waits for that file before it populates. Prints "made <n> failed <m>"
// and exits 0, or exits 3 when stopped by a signal.
//
// A worker never outlives its test: it exits (code 4) as soon as its standard input reaches end of file — the test
// keeps it open as a pipe, which the system closes when the test host ends for any reason, even a SIGKILL — and (code 5)
// after --max-seconds (default 240). Run by hand, keep standard input open (a terminal; not </dev/null).
using DataJoint;
using Microsoft.Extensions.Logging;

var options = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
string Arg(string name, string fallback = "") => options.TryGetValue(name, out var v) ? v : fallback;

const int Orphaned = 4, TimedOut = 5;
_ = Task.Run(() =>
{
    try { Console.In.ReadToEnd(); }
    catch (IOException) { /* standard input gone: same as end of file */ }
    Console.Error.WriteLine("standard input closed: the test that started this worker is gone");
    Environment.Exit(Orphaned);
});
var maxSeconds = int.Parse(Arg("max-seconds", "240"));
_ = Task.Delay(TimeSpan.FromSeconds(maxSeconds)).ContinueWith(_ =>
{
    Console.Error.WriteLine($"lifetime of {maxSeconds} s exceeded");
    Environment.Exit(TimedOut);
}, TaskScheduler.Default);

// DataJoint's warnings — a lost connection being reopened, a make tried again — go to standard error, which the test shows.
using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .AddSimpleConsole(o => o.SingleLine = true));
var connection = DataJointConnection.FromSettings(DataJoint.Settings.DataJointSettings.Load(), loggers);
var schema = await Schema.ActivateAsync(connection, Arg("schema"), createIfMissing: false);
var work = await schema.OpenTableAsync("__work");
var log = Arg("log") + "." + Environment.ProcessId; // one file per worker: appends of several processes to one file can overwrite each other
var sleepMs = int.Parse(Arg("sleep-ms", "0"));
var failEvery = int.Parse(Arg("fail-every", "0"));
var hangKey = int.Parse(Arg("hang-key", "-1"));
if (Arg("go") is { Length: > 0 } go)
{
    // Start populating together with the other workers: say "ready" (schema and table open), wait for the test's go file.
    File.AppendAllText(log, $"ready 0 {Environment.ProcessId}\n");
    while (!File.Exists(go)) await Task.Delay(20);
}

try
{
    var result = await work.PopulateAsync(async (context, ct) =>
    {
        var id = (int)context.Key["subject_id"]!;
        if (id == hangKey)
        {
            File.AppendAllText(log, $"hang {id} {Environment.ProcessId}\n");
            await Task.Delay(Timeout.InfiniteTimeSpan, ct); // until a signal stops the worker, or the test kills it
        }
        if (sleepMs > 0) await Task.Delay(sleepMs, ct);
        if (failEvery > 0 && id % failEvery == 0) throw new InvalidOperationException($"key {id} fails on purpose");
        await context.Insert1Async(new { subject_id = id, value = id * 2.0 }, cancellationToken: ct);
        File.AppendAllText(log, $"{id} {Environment.ProcessId}\n");
    }, new PopulateOptions { ReserveJobs = true, SuppressErrors = true, Order = PopulateOrder.Random, Progress = new CommitLog(log) });
    Console.WriteLine($"made {result.SuccessCount} failed {result.Errors.Count}");
    return 0;
}
catch (PopulateInterruptedException ex)
{
    Console.WriteLine("interrupted: " + ex.Message);
    return 3;
}

/// <summary>Logs each key the populate reports made (committed), synchronously, from its progress reports.</summary>
internal sealed class CommitLog(string path) : IProgress<PopulateProgress>
{
    private int _succeeded;

    public void Report(PopulateProgress value)
    {
        if (value.Succeeded == _succeeded) return;
        _succeeded = value.Succeeded;
        File.AppendAllText(path, $"committed {value.LastKey!["subject_id"]} {Environment.ProcessId}\n");
    }
}
