// QueryAlgebra: the queries of a scientist's everyday analysis (restrict, join, proj, aggr, U, union, extend, Top), each
// printed with its DataJoint Python spelling, then results as typed rows, as arrays and as an Apache Arrow batch that
// pandas, polars or pyarrow open directly.
// Run it with `bash scripts/run-samples.sh` (every sample) or `dotnet run --project samples/QueryAlgebra` after
// `eval "$(bash scripts/services.sh)"`. The sample owns its demo schema (DJ_SAMPLE_SCHEMA, default djnet_query_algebra)
// and starts from an empty one.
using System.Globalization;
using Apache.Arrow.Ipc;
using DataJoint;
using DataJoint.Arrow;
using QueryAlgebra;

var connection = DataJointConnection.FromEnvironment();
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_query_algebra";
var lab = await Schema.ActivateAsync(connection, schemaName);
await lab.DropAsync(new SchemaDropOptions { Safemode = false });   // a fresh demo schema each run, no prompt
lab = await Schema.ActivateAsync(connection, schemaName);

var subjects = await Subject.TableAsync(lab);
var sessions = await Session.TableAsync(lab);
var trials = await Session.Trial.TableAsync(lab);
await subjects.InsertAsync(
[
    new Subject.Row { SubjectId = 1, Species = "mouse", Sex = "F" },
    new Subject.Row { SubjectId = 2, Species = "rat", Sex = "M" },
    new Subject.Row { SubjectId = 3, Species = "mouse", Sex = "M" },
]);
await sessions.InsertAsync(
[
    new Session.Row { SubjectId = 1, SessionIdx = 1, Quality = 0.9 },
    new Session.Row { SubjectId = 1, SessionIdx = 2, Quality = null },
    new Session.Row { SubjectId = 2, SessionIdx = 1, Quality = 0.5 },
]);
await trials.InsertAsync(
[
    new Session.Trial.Row { SubjectId = 1, SessionIdx = 1, TrialIdx = 1, Outcome = "hit", Rt = 0.31 },
    new Session.Trial.Row { SubjectId = 1, SessionIdx = 1, TrialIdx = 2, Outcome = "miss", Rt = null },
    new Session.Trial.Row { SubjectId = 1, SessionIdx = 1, TrialIdx = 3, Outcome = "hit", Rt = 0.42 },
    new Session.Trial.Row { SubjectId = 1, SessionIdx = 2, TrialIdx = 1, Outcome = "hit", Rt = 0.5 },
    new Session.Trial.Row { SubjectId = 2, SessionIdx = 1, TrialIdx = 1, Outcome = "miss", Rt = 0.77 },
]);

// The dynamic tables: operators combine them into queries; nothing runs until a fetch.
Table subject = subjects.Table, session = sessions.Table, trial = trials.Table;

await Show("mice", "Subject & {'species': 'mouse'}", subject & new { species = "mouse" });
await Show("subjects without sessions", "Subject - Session", subject - session);
await Show("sessions with their subject", "Session * Subject", session * subject);
await Show("renamed and computed", "Session.proj(q='quality', q2='quality * 2')", session.Proj("q=quality", "q2=quality * 2"));
await Show("trials per subject (every subject kept)", "Subject.aggr(Session.Trial, n='count(trial_idx)', hits=\"sum(outcome='hit')\", mean_rt='avg(rt)')",
    subject.Aggr(trial, "n=count(trial_idx)", "hits=sum(outcome='hit')", "mean_rt=avg(rt)"));
await Show("subjects per species", "dj.U('species').aggr(Subject, n='count(*)')", new U("species").Aggr(subject, "n=count(*)"));
await Show("one session's subjects or rats", "(Subject & (Session & 'quality > 0.8')).proj() + (Subject & {'species': 'rat'}).proj()",
    (subject & (session & "quality > 0.8")).Proj() + (subject & new { species = "rat" }).Proj());
await Show("trials with their session's quality", "Session.Trial.extend(Session)", trial.Extend(session));
await Show("the two slowest trials", "Session.Trial & dj.Top(2, 'rt DESC')", trial & new Top(2, "rt DESC"));
Console.WriteLine("SQL of the aggregation: " + subject.Aggr(trial, "n=count(trial_idx)").ToSql());

// Typed rows: a [QueryRow] record filled by attribute name (generated, no reflection).
var summaries = await session.Aggr(trial, "trials=count(trial_idx)", "mean_rt=avg(rt)")
    .FetchAsync<SessionSummary>(new FetchOptions { OrderBy = ["KEY"] });
foreach (var s in summaries)
    Console.WriteLine($"typed: session ({s.SubjectId},{s.SessionIdx}): {s.Trials} trials, mean rt {Format(s.MeanRt)}");

// Columns as arrays (Python's to_arrays): reaction times as double?[], species and rt of every trial in one fetch.
double?[] rts = await trial.FetchColumnAsync<double?>("rt", new FetchOptions { OrderBy = ["KEY"] });
var measured = rts.Where(r => r.HasValue).Select(r => r!.Value).ToArray();
Console.WriteLine($"array: rt = [{string.Join(", ", rts.Select(r => Format(r)))}], mean of {measured.Length} = {Format(measured.Average())}");
ColumnSet columns = await (trial * subject).FetchColumnsAsync(["species", "rt"], new FetchOptions { OrderBy = ["KEY"] });
var perSpecies = columns.Get<string>("species").Zip(columns.Get<double?>("rt"))
    .Where(p => p.Second.HasValue).GroupBy(p => p.First).OrderBy(g => g.Key)
    .Select(g => $"{g.Key} {Format(g.Average(p => p.Second!.Value))}");
Console.WriteLine($"arrays: mean rt per species: {string.Join(", ", perSpecies)}");

// A frame (Python's to_arrow): one Arrow RecordBatch, typed by attribute, written as an Arrow IPC (Feather v2) file.
Apache.Arrow.RecordBatch batch = await (trial * session * subject).ToArrowAsync(new FetchOptions { OrderBy = ["KEY"] });
Console.WriteLine($"arrow: {batch.Length} rows; " + string.Join(", ", batch.Schema.FieldsList.Select(f => $"{f.Name}: {f.DataType.Name}")));
var file = Path.Combine(Path.GetTempPath(), $"{schemaName}-trials.arrow");
await using (var stream = File.Create(file))
using (var writer = new ArrowFileWriter(stream, batch.Schema))
{
    await writer.WriteRecordBatchAsync(batch);
    await writer.WriteEndAsync();
}
Console.WriteLine($"arrow file: {file} (pandas: pd.read_feather(path); polars: pl.read_ipc(path))");

// Prints a query's rows in key order under its title and its DataJoint Python spelling.
static async Task Show(string title, string python, QueryExpression query)
{
    Console.WriteLine($"== {title}    # Python: {python}");
    Console.WriteLine("   " + string.Join(" | ", query.Heading.Names));
    foreach (var row in await query.FetchAsync(new FetchOptions { OrderBy = ["KEY"] }))
        Console.WriteLine("   " + string.Join(" | ", row.Values.Select(Format)));
}

static string Format(object? value) => value switch
{
    null => "NULL",
    double d => Math.Round(d, 3).ToString(CultureInfo.InvariantCulture),
    decimal m => Math.Round(m, 3).ToString(CultureInfo.InvariantCulture),
    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
    _ => value.ToString() ?? "",
};
