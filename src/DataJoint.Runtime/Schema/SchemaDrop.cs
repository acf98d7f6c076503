using System.Data;
using System.Data.Common;

namespace DataJoint;

/// <summary>Options of <see cref="Schema.DropAsync(SchemaDropOptions, CancellationToken)"/>.</summary>
public sealed record SchemaDropOptions
{
    /// <summary>Ask for confirmation before dropping (DataJoint's <c>safemode</c>); resolved as <see cref="DeleteOptions.Safemode"/>.</summary>
    public bool? Safemode { get; init; }

    /// <summary>The confirmation to ask with safemode on; resolved as <see cref="DeleteOptions.Confirm"/>.</summary>
    public ConfirmCascade? Confirm { get; init; }
}

public sealed partial class Schema
{
    /// <summary>
    /// Drops the database and every table in it, asking first when safemode is on; see
    /// <see cref="DropAsync(SchemaDropOptions, CancellationToken)"/>.
    /// </summary>
    public Task<bool> DropAsync(CancellationToken cancellationToken = default) => DropAsync(new SchemaDropOptions(), cancellationToken);

    /// <summary>
    /// Drops the database and every table in it (DataJoint's <c>schema.drop</c>). With safemode on, its tables and their
    /// row counts (<see cref="PreviewDropAsync"/>) go to the confirmation first, and nothing is dropped unless it answers
    /// yes. A schema whose tables are referenced by tables of other schemas is refused before anything is dropped
    /// (<see cref="IntegrityException"/> naming them): the server would drop some of its tables and then fail. Returns
    /// true when the database was dropped; false when the confirmation said no or the database does not exist.
    /// </summary>
    public async Task<bool> DropAsync(SchemaDropOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!await Dialect.DatabaseExistsAsync(conn, Database, cancellationToken).ConfigureAwait(false)) return false;
            var safemode = DataJoint.Safemode.IsOn(options.Safemode, Connection);
            // Row counts only when someone will read them (counting scans every table).
            var preview = await PreviewDropCoreAsync(conn, countRows: safemode, cancellationToken).ConfigureAwait(false);
            if (preview.ReferencedBy.Count > 0)
            {
                throw new IntegrityException(
                    $"Cannot drop schema `{Database}`: tables of other schemas reference its tables: " +
                    string.Join(", ", preview.ReferencedBy.Select(t => Dialect.QualifiedName(t.Schema, t.Table))) +
                    ". Drop those tables (or their schemas) first. Nothing was dropped.", null) { Schema = Database };
            }
            if (safemode && !await DataJoint.Safemode.ConfirmAsync(preview, options.Confirm, Connection, cancellationToken).ConfigureAwait(false))
                return false;
            await ExecAsync(conn, Dialect.DropDatabase(Database), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"drop schema `{Database}`", Database) is { } dj)
        {
            throw dj;
        }
        lock (_byClass) _byClass.Clear();
        return true;
    }

    /// <summary>
    /// What <see cref="DropAsync(SchemaDropOptions, CancellationToken)"/> would drop: every table of the database
    /// (DataJoint's internal <c>~lineage</c> and job tables included) with its row count, read in one consistent snapshot,
    /// and in <see cref="CascadePreview.ReferencedBy"/> the tables of other schemas that reference it (the drop is refused
    /// while there are any). <see cref="CascadePreview.Operation"/> is <c>"drop schema"</c>. Nothing is changed; a database
    /// that does not exist previews as no tables.
    /// </summary>
    public async Task<CascadePreview> PreviewDropAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await PreviewDropCoreAsync(conn, countRows: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"drop preview of schema `{Database}`", Database) is { } dj)
        {
            throw dj;
        }
    }

    private async Task<CascadePreview> PreviewDropCoreAsync(DbConnection conn, bool countRows, CancellationToken cancellationToken)
    {
        var tables = await Dialect.ListTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false);
        var referencing = await Dialect.ReadReferencingTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false);
        var own = new CascadeEntry[tables.Count];
        var others = new CascadeEntry[referencing.Count];
        await using (var tx = countRows ? await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false) : null)
        {
            for (var i = 0; i < own.Length; i++)
                own[i] = new CascadeEntry(Database, tables[i], countRows ? await CountRowsAsync(conn, tx, Database, tables[i], cancellationToken).ConfigureAwait(false) : 0);
            for (var i = 0; i < others.Length; i++)
            {
                var (db, table) = referencing[i];
                others[i] = new CascadeEntry(db, table, countRows ? await CountRowsAsync(conn, tx, db, table, cancellationToken).ConfigureAwait(false) : 0);
            }
            if (tx is not null) await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new CascadePreview { Operation = CascadePreview.DropSchema, Schema = Database, Table = "", Tables = own, ReferencedBy = others };
    }

    private async Task<long> CountRowsAsync(DbConnection conn, DbTransaction? tx, string database, string table, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COUNT(*) FROM " + Dialect.QualifiedName(database, table);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
