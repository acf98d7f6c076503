using System.CommandLine;
using System.Text.Json;
using DataJoint;
using DataJoint.Introspection;
using DataJoint.Settings;
using DataJoint.Stores;
using DataJoint.Tool;
using Spectre.Console;

// dj — DataJoint schemas from the command line. Settings come from datajoint.json, .secrets/ and DJ_* variables,
// exactly as DataJoint Python reads them (docs/settings.md). Every command accepts --json for scripts.

var json = new Option<bool>("--json") { Description = "Write JSON instead of tables (for scripts)", Recursive = true };
var schemaArg = new Argument<string>("schema") { Description = "Schema (database) name" };
var root = new RootCommand("DataJoint for .NET: explore, describe, scaffold and garbage-collect DataJoint schemas");
root.Options.Add(json);

var schemas = new Command("schemas", "List the schemas on the server");
schemas.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var names = await Schema.ListSchemasAsync(DataJointConnection.FromEnvironment(), ct);
    if (pr.GetValue(json)) WriteJson(names);
    else Render(["schema"], names.Select(n => new[] { n }));
}));
root.Subcommands.Add(schemas);

var tables = new Command("tables", "List the tables of a schema (class name, SQL name, tier, rows, comment)") { schemaArg };
tables.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var schema = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), pr.GetValue(schemaArg)!, cancellationToken: ct);
    var rows = new List<(TableInfo Table, long Rows)>();
    foreach (var (_, t) in (await schema.ReadCatalogAsync(ct)).Tables.Select(t => (t.ClassName, t)))
        rows.Add((t, await (await schema.OpenTableAsync(t.Name, ct)).CountAsync(ct)));
    if (pr.GetValue(json))
        WriteJson(rows.Select(r => new { @class = r.Table.ClassName, table = r.Table.Name, tier = r.Table.Tier?.ToString(), rows = r.Rows, comment = r.Table.Comment }));
    else
        Render(["class", "table", "tier", "rows", "comment"], rows.Select(r => new[]
            { r.Table.ClassName, r.Table.Name, r.Table.Tier?.ToString() ?? "", r.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Table.Comment }));
}));
root.Subcommands.Add(tables);

var tableArg = new Argument<string>("table") { Description = "schema.Table (class name such as Session or Session.Trial, or SQL name)" };
var describe = new Command("describe", "Print a table's definition, reconstructed from the server") { tableArg };
describe.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var (db, name) = SplitTable(pr.GetValue(tableArg)!);
    var schema = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), db, cancellationToken: ct);
    var text = await schema.DescribeAsync(name, ct);
    if (pr.GetValue(json)) WriteJson(new { schema = db, table = name, definition = text });
    else Console.Out.Write(text);
}));
root.Subcommands.Add(describe);

var output = new Option<string>("--output", "-o") { Description = "Output folder (scaffold) or file (diagram: .svg or .mmd)", Required = true };
var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace of the scaffolded classes (default: the schema name in PascalCase)" };
var scaffold = new Command("scaffold", "Write [Table] partial classes for every table of a schema") { schemaArg, output, ns };
scaffold.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var db = pr.GetValue(schemaArg)!;
    var schema = await Schema.OpenAsync(DataJointConnection.FromEnvironment(), db, cancellationToken: ct);
    var space = pr.GetValue(ns) ?? string.Concat(db.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    var result = await Scaffolder.WriteAsync(await schema.ReadCatalogAsync(ct), space, pr.GetValue(output)!, ct);
    if (pr.GetValue(json)) WriteJson(new { written = result.Written, unchanged = result.Unchanged });
    else
    {
        foreach (var f in result.Written) AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {f}");
        foreach (var f in result.Unchanged) AnsiConsole.MarkupLineInterpolated($"[grey]unchanged[/] {f}");
    }
}));
root.Subcommands.Add(scaffold);

var diagram = new Command("diagram", "Draw a schema as Mermaid text (.mmd) or an SVG picture (.svg)") { schemaArg, output };
diagram.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var db = pr.GetValue(schemaArg)!;
    var file = pr.GetValue(output)!;
    var connection = DataJointConnection.FromEnvironment();
    var schema = await Schema.OpenAsync(connection, db, cancellationToken: ct);
    var deps = await schema.ReadDependenciesAsync(ct);
    var direction = connection.AllSettings.Display.DiagramDirection;
    var text = Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".svg" => SchemaDiagram.ToSvg(deps, direction),
        ".mmd" or ".md" or ".mermaid" => SchemaDiagram.ToMermaid(deps, direction),
        _ => throw new DataJointException($"dj diagram writes .svg or .mmd files, not '{file}'."),
    };
    await File.WriteAllTextAsync(file, text, ct);
    if (pr.GetValue(json)) WriteJson(new { file, tables = deps.Root.Tables.Count });
    else AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {file} ({deps.Root.Tables.Count} tables)");
}));
root.Subcommands.Add(diagram);

var jobs = new Command("jobs", "Job queues (~~ tables) of a schema's auto-populated tables: counts per status") { schemaArg };
jobs.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var summary = await JobQueues.ReadAsync(DataJointConnection.FromEnvironment(), pr.GetValue(schemaArg)!, ct);
    if (pr.GetValue(json)) WriteJson(summary.Select(j => new { table = j.Table, target = j.Target, counts = j.Counts }));
    else Render(["jobs table", "target", .. JobQueues.Statuses], summary.Select(j =>
        new[] { j.Table, j.Target }.Concat(JobQueues.Statuses.Select(s => j.Counts.GetValueOrDefault(s).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()));
}));
root.Subcommands.Add(jobs);

var store = new Option<string?>("--store") { Description = "Store name (default: stores.default)" };
var dryRun = new Option<bool>("--dry-run") { Description = "Report orphaned objects without deleting them" };
var gc = new Command("gc", "Find (and unless --dry-run, delete) store objects no row of the schema references") { schemaArg, store, dryRun };
gc.SetAction(async (pr, ct) => await Run(pr, async () =>
{
    var connection = DataJointConnection.FromEnvironment();
    using var stores = new StoreProvider(connection.AllSettings.Stores);
    var schema = await Schema.OpenAsync(connection, pr.GetValue(schemaArg)!, stores, cancellationToken: ct);
    var report = await schema.CollectGarbageAsync(pr.GetValue(store), pr.GetValue(dryRun), ct);
    if (pr.GetValue(json)) WriteJson(report);
    else Render(["", "hash-addressed", "schema-addressed"],
    [
        ["referenced", report.HashPathsReferenced.ToString(System.Globalization.CultureInfo.InvariantCulture), report.SchemaPathsReferenced.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["stored", report.HashPathsStored.ToString(System.Globalization.CultureInfo.InvariantCulture), report.SchemaPathsStored.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["orphaned", report.HashPathsOrphaned.ToString(System.Globalization.CultureInfo.InvariantCulture), report.SchemaPathsOrphaned.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["deleted", report.HashPathsDeleted.ToString(System.Globalization.CultureInfo.InvariantCulture), report.SchemaPathsDeleted.ToString(System.Globalization.CultureInfo.InvariantCulture)],
    ]);
}));
root.Subcommands.Add(gc);

return await root.Parse(args).InvokeAsync();

static async Task<int> Run(ParseResult pr, Func<Task> body)
{
    try
    {
        await body();
        return 0;
    }
    catch (DataJointException ex)
    {
        Console.Error.WriteLine("dj: " + ex.Message);
        return 1;
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        // The output file or folder (scaffold, diagram) could not be written: the same one-line error, no stack trace.
        Console.Error.WriteLine("dj: " + ex.Message);
        return 1;
    }
}

static (string Schema, string Table) SplitTable(string text)
{
    var dot = text.IndexOf('.', StringComparison.Ordinal);
    if (dot <= 0 || dot == text.Length - 1)
        throw new DataJointException($"Expected schema.Table (e.g. lab.Session or lab.Session.Trial), got '{text}'.");
    return (text[..dot], text[(dot + 1)..]);
}

static void WriteJson<T>(T value) =>
    Console.Out.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));

static void Render(string[] headers, IEnumerable<string[]> rows)
{
    var table = new Spectre.Console.Table().Border(TableBorder.Rounded);
    foreach (var h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)));
    foreach (var r in rows) table.AddRow(r.Select(c => new Markup(Markup.Escape(c))).ToArray<Spectre.Console.Rendering.IRenderable>());
    AnsiConsole.Write(table);
}
