// A populate worker for the multi-process tests. It opens `<schema>`.`__work` (declared by the test), populates it with
// reserved jobs and a make that appends "<subject_id> <pid>" to its own log file (<log>.<pid>) (counted by the test independently of the
// job table), optionally failing some keys or hanging on one. Prints "made <n> failed <m>" and exits 0, or exits 3 when
// stopped by a signal.
using DataJoint;

var options = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
string Arg(string name, string fallback = "") => options.TryGetValue(name, out var v) ? v : fallback;

var connection = DataJointConnection.FromEnvironment();
var schema = await Schema.ActivateAsync(connection, Arg("schema"), createIfMissing: false);
var work = await schema.OpenTableAsync("__work");
var log = Arg("log") + "." + Environment.ProcessId; // one file per worker: appends of several processes to one file can overwrite each other
var sleepMs = int.Parse(Arg("sleep-ms", "0"));
var failEvery = int.Parse(Arg("fail-every", "0"));
var hangKey = int.Parse(Arg("hang-key", "-1"));

try
{
    var result = await work.PopulateAsync(async (context, ct) =>
    {
        var id = (int)context.Key["subject_id"]!;
        if (id == hangKey)
        {
            File.AppendAllText(log, $"hang {id} {Environment.ProcessId}\n");
            await Task.Delay(TimeSpan.FromMinutes(10), ct);
        }
        if (sleepMs > 0) await Task.Delay(sleepMs, ct);
        if (failEvery > 0 && id % failEvery == 0) throw new InvalidOperationException($"key {id} fails on purpose");
        await context.Insert1Async(new { subject_id = id, value = id * 2.0 }, cancellationToken: ct);
        File.AppendAllText(log, $"{id} {Environment.ProcessId}\n");
    }, new PopulateOptions { ReserveJobs = true, SuppressErrors = true, Order = PopulateOrder.Random });
    Console.WriteLine($"made {result.SuccessCount} failed {result.Errors.Count}");
    return 0;
}
catch (PopulateInterruptedException ex)
{
    Console.WriteLine("interrupted: " + ex.Message);
    return 3;
}
