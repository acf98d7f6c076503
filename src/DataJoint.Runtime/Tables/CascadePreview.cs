using System.Globalization;
using System.Text;

namespace DataJoint;

/// <summary>One table a cascading delete or drop reaches, with the rows it removes there.</summary>
/// <param name="Schema">The table's schema (database); it may be another schema than the one deleted from.</param>
/// <param name="Table">The table's SQL name.</param>
/// <param name="Rows">Rows deleted (or, for a drop, held) in that table.</param>
public sealed record CascadeEntry(string Schema, string Table, long Rows);

/// <summary>
/// What a cascading <see cref="Table.DeleteAsync(DeleteOptions, CancellationToken)"/> or
/// <see cref="Table.DropAsync(DropOptions, CancellationToken)"/> removes: every table it reaches, in this schema and in
/// others, with its row count; or what <see cref="DataJoint.Schema.DropAsync(SchemaDropOptions, CancellationToken)"/>
/// removes: every table of the schema. <see cref="Table.PreviewDeleteAsync"/>, <see cref="Table.PreviewDropAsync"/> and
/// <see cref="DataJoint.Schema.PreviewDropAsync"/> compute it without changing anything; with safemode on, the
/// confirmation callback receives it before anything is committed.
/// </summary>
public sealed record CascadePreview
{
    /// <summary>The <see cref="Operation"/> of a schema drop.</summary>
    public const string DropSchema = "drop schema";

    /// <summary>"delete", "drop" or "drop schema" (<see cref="DropSchema"/>).</summary>
    public required string Operation { get; init; }

    /// <summary>The schema of the table the operation started from, or the schema dropped.</summary>
    public required string Schema { get; init; }

    /// <summary>The table the operation started from (its SQL name); empty for a schema drop.</summary>
    public required string Table { get; init; }

    /// <summary>
    /// Every table reached, in dependency order (parents first): the starting table first, unless masters a
    /// <see cref="PartIntegrity.Cascade"/> delete reaches come before it. For a schema drop: the schema's tables by name,
    /// DataJoint's internal ones (<c>~lineage</c>, job tables) included.
    /// </summary>
    public required IReadOnlyList<CascadeEntry> Tables { get; init; }

    /// <summary>
    /// For a schema drop: the tables of other schemas whose foreign keys reference the schema's tables, with their rows.
    /// The drop is refused while there are any (the server would drop part of the schema and then fail). Empty otherwise.
    /// </summary>
    public IReadOnlyList<CascadeEntry> ReferencedBy { get; init; } = [];

    /// <summary>
    /// For a delete previewed with <see cref="PartIntegrity.Enforce"/>: the error the delete would raise because a part
    /// table would lose rows while its master keeps them, or null when it would go ahead.
    /// </summary>
    public string? PartIntegrityViolation { get; init; }

    /// <summary>Rows in all reached tables.</summary>
    public long TotalRows => Tables.Sum(t => t.Rows);

    /// <summary>The schemas other than <see cref="Schema"/> that the operation reaches.</summary>
    public IReadOnlyList<string> OtherSchemas => Tables.Select(t => t.Schema).Where(s => s != Schema).Distinct().ToList();

    /// <summary>A readable summary, one line per table (the text a safemode prompt shows).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var deleting = Operation == "delete";
        if (Operation == DropSchema)
        {
            sb.Append("Dropping schema `").Append(Schema).Append("`: ").Append(Tables.Count.ToString(CultureInfo.InvariantCulture))
              .Append(" tables, ").Append(TotalRows.ToString(CultureInfo.InvariantCulture)).AppendLine(" rows");
        }
        foreach (var t in Tables)
        {
            if (deleting && t.Rows == 0) continue;
            sb.Append(deleting ? "Deleting " : "Dropping ")
              .Append(deleting ? t.Rows.ToString(CultureInfo.InvariantCulture) + " rows from " : "")
              .Append('`').Append(t.Schema).Append("`.`").Append(t.Table).Append('`');
            if (!deleting) sb.Append(" (").Append(t.Rows.ToString(CultureInfo.InvariantCulture)).Append(" rows)");
            if (t.Schema != Schema) sb.Append("   <- in another schema");
            sb.AppendLine();
        }
        foreach (var t in ReferencedBy)
            sb.Append("Refused: `").Append(t.Schema).Append("`.`").Append(t.Table).Append("` (")
              .Append(t.Rows.ToString(CultureInfo.InvariantCulture)).AppendLine(" rows) in another schema references this schema");
        if (OtherSchemas.Count > 0) sb.Append("This reaches other schemas: ").AppendJoin(", ", OtherSchemas).AppendLine();
        if (PartIntegrityViolation is not null) sb.Append("Refused: ").AppendLine(PartIntegrityViolation);
        return sb.ToString();
    }
}

/// <summary>Decides whether a previewed delete or drop goes ahead (true) or is cancelled (false).</summary>
public delegate ValueTask<bool> ConfirmCascade(CascadePreview preview, CancellationToken cancellationToken);

/// <summary>Options of <see cref="Table.DeleteAsync(DeleteOptions, CancellationToken)"/>.</summary>
public sealed record DeleteOptions
{
    /// <summary>What to do about part tables whose master rows the delete does not remove (default: refuse).</summary>
    public PartIntegrity PartIntegrity { get; init; } = PartIntegrity.Enforce;

    /// <summary>
    /// Ask for confirmation before committing (DataJoint's <c>safemode</c>). Null: the connection's
    /// <see cref="DataJointConnection.Safemode"/>, else the <c>safemode</c> setting of a connection made from loaded
    /// settings, else on in an interactive console and off otherwise.
    /// </summary>
    public bool? Safemode { get; init; }

    /// <summary>The confirmation to ask with safemode on (null: the connection's, else a console prompt when there is one).</summary>
    public ConfirmCascade? Confirm { get; init; }
}

/// <summary>Options of <see cref="Table.DropAsync(DropOptions, CancellationToken)"/>.</summary>
public sealed record DropOptions
{
    /// <summary>
    /// <see cref="PartIntegrity.Enforce"/> (default) refuses to drop a part table whose master is not dropped with it;
    /// <see cref="PartIntegrity.Ignore"/> drops it anyway (Python's <c>drop(part_integrity=...)</c>).
    /// </summary>
    public PartIntegrity PartIntegrity { get; init; } = PartIntegrity.Enforce;

    /// <summary>Ask for confirmation before dropping; resolved as <see cref="DeleteOptions.Safemode"/>.</summary>
    public bool? Safemode { get; init; }

    /// <summary>The confirmation to ask with safemode on; resolved as <see cref="DeleteOptions.Confirm"/>.</summary>
    public ConfirmCascade? Confirm { get; init; }
}

/// <summary>Safemode was on and nobody could confirm the operation (no callback, no interactive console); nothing changed.</summary>
public sealed class SafemodeException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public SafemodeException(string message) : base(message) { }
}

/// <summary>Resolves safemode and asks for confirmation.</summary>
internal static class Safemode
{
    /// <summary>True when a person can answer a prompt on this console.</summary>
    internal static bool IsInteractiveConsole => Environment.UserInteractive && !Console.IsInputRedirected && !Console.IsOutputRedirected;

    /// <summary>Per call, else the connection's, else the loaded settings' (Python's default: on), else on only for an interactive console.</summary>
    public static bool IsOn(bool? perCall, DataJointConnection connection) =>
        perCall ?? connection.Safemode ?? (connection.HasLoadedSettings ? connection.AllSettings.SafeMode : IsInteractiveConsole);

    /// <summary>Asks <paramref name="confirm"/> (or the connection's callback, or the console); refuses when nobody can answer.</summary>
    public static async ValueTask<bool> ConfirmAsync(CascadePreview preview, ConfirmCascade? confirm, DataJointConnection connection,
        CancellationToken cancellationToken)
    {
        confirm ??= connection.Confirm;
        if (confirm is not null) return await confirm(preview, cancellationToken).ConfigureAwait(false);
        var schemaDrop = preview.Operation == CascadePreview.DropSchema;
        if (!IsInteractiveConsole)
            throw new SafemodeException(
                $"Safemode is on: the {(schemaDrop ? $"drop of schema `{preview.Schema}`" : $"{preview.Operation} of `{preview.Schema}`.`{preview.Table}`")} " +
                "needs a confirmation, and there is no console to ask and no Confirm callback. Nothing was changed. Pass " +
                $"{(schemaDrop ? "SchemaDropOptions" : preview.Operation == "delete" ? "DeleteOptions" : "DropOptions")} " +
                "{ Safemode = false } (or a Confirm callback), or set DataJointConnection.Safemode / the safemode setting.\n" + preview)
            {
                Schema = preview.Schema,
                Table = schemaDrop ? null : preview.Table,
            };
        Console.Out.Write(preview.ToString());
        Console.Out.Write(schemaDrop ? $"Proceed to delete entire schema `{preview.Schema}`? [yes, No]: "
            : preview.Operation == "delete" ? "Commit deletes? [yes, No]: " : "Proceed to drop? [yes, No]: ");
        Console.Out.Flush();
        var answer = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(answer?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
    }
}
