using System.Text;

namespace DataJoint.Introspection;

/// <summary>
/// Writes C# <c>[Table]</c> partial classes for the tables of a live schema, so the source generator gives a
/// Python-made pipeline typed <c>Row</c>/<c>Key</c> records: one file per table (parts nested in their master's file),
/// the tier as the base class, the definition reconstructed by <see cref="DefinitionWriter"/>, a
/// <c>[Table(Schema = "...")]</c> binding, and the namespace given. Columns of a codec this program does not have
/// keep their <c>&lt;codec&gt;</c> type, so the build reports the generator's unknown-codec diagnostic (DJ0001) naming
/// the codec to add. The text depends only on the schema: re-running on an unchanged schema changes no file.
/// </summary>
public static class Scaffolder
{
    /// <summary>One generated file: its name and text.</summary>
    public sealed record ScaffoldFile(string FileName, string Text);

    /// <summary>What <see cref="WriteAsync"/> did with each file.</summary>
    public sealed record ScaffoldResult(IReadOnlyList<string> Written, IReadOnlyList<string> Unchanged);

    /// <summary>The files for every table of <paramref name="catalog"/> (in dependency order).</summary>
    public static IReadOnlyList<ScaffoldFile> Generate(SchemaCatalog catalog, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        var files = new List<ScaffoldFile>();
        foreach (var table in catalog.Tables.Where(t => t.MasterName is null || catalog.BySqlName(t.MasterName) is null))
        {
            var sb = new StringBuilder();
            sb.Append("// Scaffolded by DataJoint for .NET from schema `").Append(catalog.Database).Append("` (dj scaffold).\n");
            sb.Append("// Re-running the scaffolder on an unchanged schema rewrites nothing; hand edits are overwritten when the table changes.\n");
            sb.Append("using DataJoint;\n\n");
            sb.Append("namespace ").Append(@namespace).Append(";\n\n");
            WriteClass(sb, table, catalog, indent: "");
            files.Add(new ScaffoldFile(ClassName(table) + ".cs", sb.ToString()));
        }
        return files;
    }

    private static string ClassName(TableInfo t) => t.Tier is null ? Sanitize(t.Name) : t.ShortClassName;

    private static string Sanitize(string sqlName)
    {
        var camel = DataJoint.Definitions.TableNaming.ToCamelCase(sqlName);
        return camel.Length > 0 && char.IsLetter(camel[0]) ? camel : "Table" + camel;
    }

    /// <summary>
    /// An Imported/Computed table with primary-key attributes no foreign key brings (legacy pipelines, or Python's
    /// <c>jobs.allow_new_pk_fields_in_computed_tables</c>): its class names the table, which tells the generator the table
    /// exists, so the declare-time rule DJ1018 does not apply to it.
    /// </summary>
    private static bool OwnKeyInAutoPopulated(TableInfo table) =>
        table.Tier is TableTier.Imported or TableTier.Computed
        && table.Heading.Attributes.Any(a => a.InPrimaryKey && !table.Heading.ForeignKeys.Any(fk => fk.Columns.Contains(a.Name)));

    private static void WriteClass(StringBuilder sb, TableInfo table, SchemaCatalog catalog, string indent)
    {
        var name = ClassName(table);
        var tier = table.Tier switch
        {
            TableTier.Lookup => "Lookup",
            TableTier.Imported => "Imported",
            TableTier.Computed => "Computed",
            TableTier.Part => "Part<" + TableInfo.Classify(table.MasterName!).ClassName + ">",
            _ => "Manual",
        };
        var attribute = table.Tier is null || OwnKeyInAutoPopulated(table)
            ? $"[Table(Schema = \"{catalog.Database}\", Name = \"{table.Name}\")]"
            : table.MasterName is null ? $"[Table(Schema = \"{catalog.Database}\")]" : "[Table]";
        sb.Append(indent).Append("/// <summary>`").Append(catalog.Database).Append("`.`").Append(table.Name).Append('`');
        if (table.Comment.Length > 0) sb.Append(": ").Append(System.Net.WebUtility.HtmlEncode(table.Comment));
        sb.Append("</summary>\n");
        sb.Append(indent).Append(attribute).Append('\n');
        sb.Append(indent).Append("public partial class ").Append(name).Append(" : ").Append(tier).Append('\n');
        sb.Append(indent).Append("{\n");
        var body = indent + "    ";
        var definition = DefinitionWriter.Describe(table, catalog, forClass: true);
        var quotes = "\"\"\"";
        while (definition.Contains(quotes, StringComparison.Ordinal)) quotes += "\"";
        sb.Append(body).Append("public const string Definition = ").Append(quotes).Append('\n');
        foreach (var line in definition.TrimEnd('\n').Split('\n'))
            sb.Append(line.Length == 0 ? "" : body + "    ").Append(line).Append('\n');
        sb.Append(body).Append("    ").Append(quotes).Append(";\n");
        foreach (var part in catalog.Parts(table))
        {
            sb.Append('\n');
            WriteClass(sb, part, catalog, body);
        }
        sb.Append(indent).Append("}\n");
    }

    /// <summary>
    /// Writes the files into <paramref name="directory"/> (created if missing). A file whose text is already there is
    /// not touched, so an unchanged schema leaves every file (and its timestamp) as it was.
    /// </summary>
    public static async Task<ScaffoldResult> WriteAsync(SchemaCatalog catalog, string @namespace, string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var unchanged = new List<string>();
        foreach (var file in Generate(catalog, @namespace))
        {
            var path = Path.Combine(directory, file.FileName);
            if (File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) == file.Text)
            {
                unchanged.Add(path);
                continue;
            }
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, file.Text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            written.Add(path);
        }
        return new ScaffoldResult(written, unchanged);
    }
}
