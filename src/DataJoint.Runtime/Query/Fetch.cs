using System.Data.Common;
using System.Runtime.CompilerServices;

namespace DataJoint;

/// <summary>What to fetch: attributes, ordering and paging.</summary>
public sealed record FetchOptions
{
    /// <summary>Attribute names to return (default: all visible attributes). <c>"KEY"</c> expands to the primary key.</summary>
    public IReadOnlyList<string>? Attributes { get; init; }
    /// <summary>Ordering terms: <c>"attr"</c>, <c>"attr DESC"</c>, <c>"KEY"</c>, <c>"KEY DESC"</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }
    /// <summary>At most this many rows; without <see cref="OrderBy"/> the query's own order (a <see cref="Top"/>) or its primary key decides which.</summary>
    public long? Limit { get; init; }
    /// <summary>Skip this many rows first (in the order of <see cref="OrderBy"/>, else the query's own, else the primary key).</summary>
    public long? Offset { get; init; }
    /// <summary>
    /// The folder <c>&lt;attach&gt;</c> values are written to (Python's <c>download_path</c>); null: the connection's
    /// <see cref="DataJointConnection.DownloadPath"/>, else the <c>download_path</c> setting (default: the working directory).
    /// </summary>
    public string? DownloadPath { get; init; }
    /// <summary>
    /// How many rows decode their store-backed values (<c>&lt;blob@store&gt;</c>, <c>&lt;attach@store&gt;</c>...) at once
    /// while the next rows are read (default 4; 1 = one row after the other). Rows keep their order. Custom codecs of
    /// such columns must then be safe to call concurrently.
    /// </summary>
    public int MaxParallelDownloads { get; init; } = DataJoint.Stores.ParallelUploads.DefaultDegree;
}

// Fetching: every read runs one SELECT (SelectSql) on a leased connection (the current write session's, else a pooled
// one) and materializes each row with an IRowRead: dynamic rows (RowReader, codec values decoded through the table's
// codec plan) or the generated typed mappers.
public partial class QueryExpression : IAsyncEnumerable<Row>
{
    /// <summary>The attributes a fetch returns: <paramref name="requested"/> (<c>KEY</c> expanded, duplicates dropped), or the heading.</summary>
    internal IReadOnlyList<string> ResolveAttributes(IReadOnlyList<string>? requested)
    {
        if (requested is null) return Heading.Names;
        var list = new List<string>();
        foreach (var r in requested)
        {
            if (r == "KEY") { foreach (var k in PrimaryKeyNames) if (!list.Contains(k)) list.Add(k); continue; }
            if (!Heading.Contains(r)) throw new DataJointException($"`{r}` is not in the heading ({string.Join(", ", Heading.Names)})");
            if (!list.Contains(r)) list.Add(r);
        }
        return list;
    }

    /// <summary>Streams the rows (ordering, paging and attributes from <paramref name="options"/>).</summary>
    public IAsyncEnumerable<Row> StreamAsync(FetchOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamEachAsync(() =>
        {
            var rows = new RowReader(this, options);
            return (rows.Sql, rows);
        }, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerator<Row> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        StreamAsync(null, cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Fetches all rows into a list.</summary>
    public async Task<IReadOnlyList<Row>> FetchAsync(FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var rows = new RowReader(this, options, intoBlocks: true);
        return await ReadEachAsync(rows.Sql, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fetches the given attributes of all rows.</summary>
    public Task<IReadOnlyList<Row>> FetchAsync(params string[] attributes) =>
        FetchAsync(new FetchOptions { Attributes = attributes });

    /// <summary>Fetches exactly one row; anything else is an error (<c>fetch1</c>).</summary>
    public async Task<Row> Fetch1Async(FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        // At most two rows are read (no ORDER BY: which rows come is irrelevant, more than one is an error).
        var rows = new List<Row>(2);
        await foreach (var row in StreamAsync(options, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
            if (rows.Count == 2) break;
        }
        if (rows.Count != 1)
            throw new DataJointException($"fetch1 requires exactly one tuple in the input set (got {(rows.Count == 0 ? "none" : "more than one")}).");
        return rows[0];
    }

    /// <summary>The value of one attribute of the only row.</summary>
    public async Task<T?> Fetch1Async<T>(string attribute, CancellationToken cancellationToken = default)
    {
        var row = await Fetch1Async(new FetchOptions { Attributes = [attribute] }, cancellationToken).ConfigureAwait(false);
        return row.Get<T>(attribute);
    }

    /// <summary>The primary-key values of all rows.</summary>
    public Task<IReadOnlyList<Row>> KeysAsync(FetchOptions? options = null, CancellationToken cancellationToken = default) =>
        FetchAsync((options ?? new FetchOptions()) with { Attributes = PrimaryKeyNames }, cancellationToken);

    /// <summary>Number of rows.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var sql = SelectSql.Count(this);
        try
        {
            await using var lease = await WriteSession.LeaseAsync(Connection, cancellationToken).ConfigureAwait(false);
            await using var cmd = sql.CreateCommand(lease.Connection, lease.Transaction);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (TranslateError(ex, "count") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>True when the query has at least one row (<c>SELECT EXISTS(...)</c>).</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        var sql = SelectSql.Exists(this);
        await using var lease = await WriteSession.LeaseAsync(Connection, cancellationToken).ConfigureAwait(false);
        await using var cmd = sql.CreateCommand(lease.Connection, lease.Transaction);
        try
        {
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, "fetch") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// The columns of a typed fetch of <paramref name="names"/> when the generated mapper can read every one straight
    /// from the data reader (core columns <see cref="Metadata.TypedColumns"/> reads, codec columns whose chains decode
    /// without I/O), else null (the typed rows are then mapped from dynamic rows). <c>&lt;attach&gt;</c> values are written to
    /// <paramref name="downloadPath"/> (null: the connection's).
    /// </summary>
    internal FetchColumns? DirectColumns(IReadOnlyList<string> names, string? downloadPath = null)
    {
        foreach (var n in names)
            if (!Heading.Contains(n)) return null;
        var columns = new FetchColumns(this, names, downloadPath ?? Connection.DownloadPath ?? Connection.AllSettings.DownloadPath);
        for (var i = 0; i < columns.Names.Length; i++)
            if (columns.Codecs[i] is null && !Metadata.TypedColumns.Supports(columns.Kinds[i])) return null;
        return columns.IsSynchronous ? columns : null;
    }

    /// <summary>
    /// Fetches the <paramref name="columns"/> (same SQL as a fetch) and maps every row straight from the data reader with
    /// <paramref name="map"/> (the generated typed mappers: no dynamic row, no boxing of core values; codec values decoded in place).
    /// </summary>
    internal Task<List<TRow>> ReadAllAsync<TRow>(FetchColumns columns, Func<Metadata.ColumnSource, TRow> map, CancellationToken cancellationToken) =>
        ReadEachAsync(SelectSql.Select(this, columns.Names, forFetch: true), new MappedRead<TRow>(columns, map), cancellationToken);

    /// <summary>As <see cref="ReadAllAsync{TRow}"/>, one row at a time.</summary>
    internal IAsyncEnumerable<TRow> StreamMappedAsync<TRow>(FetchColumns columns, Func<Metadata.ColumnSource, TRow> map, CancellationToken cancellationToken) =>
        StreamEachAsync<TRow>(() => (SelectSql.Select(this, columns.Names, forFetch: true), new MappedRead<TRow>(columns, map)), cancellationToken);

    /// <summary>Runs a fetch statement and reads every row into a list (a plain loop: no async-iterator step per row).</summary>
    private async Task<List<T>> ReadEachAsync<T>(SqlFragment sql, IRowRead<T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        try
        {
            await using var lease = await WriteSession.LeaseAsync(Connection, cancellationToken).ConfigureAwait(false);
            await using var cmd = sql.CreateCommand(lease.Connection, lease.Transaction);
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (read.IsSynchronous)
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(read.Read(reader));
                }
                else if (read is IStagedRowRead<T> { MaxParallelDecodes: > 1 } staged)
                {
                    // Store reads overlap: up to MaxParallelDecodes rows decode while the next rows are read.
                    await using var window = new DecodeWindow<T>(staged, cancellationToken);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (window.IsFull) list.Add(await window.TakeAsync().ConfigureAwait(false));
                        window.Start(reader);
                    }
                    while (window.HasRows) list.Add(await window.TakeAsync().ConfigureAwait(false));
                }
                else
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        list.Add(await read.ReadAsync(reader, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        catch (Exception ex) when (TranslateError(ex, "fetch") is { } dj)
        {
            throw dj;
        }
        return list;
    }

    /// <summary>
    /// Runs a fetch statement and yields every row. <paramref name="prepare"/> (statement and row reader) runs when
    /// enumeration starts, so a bad request fails there. Driver failures (a connection lost mid-stream) surface as
    /// <see cref="DataJointException"/> subtypes.
    /// </summary>
    private async IAsyncEnumerable<T> StreamEachAsync<T>(Func<(SqlFragment Sql, IRowRead<T> Read)> prepare,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sql, read) = prepare();
        await using var lease = await Guard(WriteSession.LeaseAsync(Connection, cancellationToken).AsTask()).ConfigureAwait(false);
        await using var cmd = sql.CreateCommand(lease.Connection, lease.Transaction);
        var reader = await Guard(cmd.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!read.IsSynchronous && read is IStagedRowRead<T> { MaxParallelDecodes: > 1 } staged)
            {
                await using var window = new DecodeWindow<T>(staged, cancellationToken);
                while (await Guard(reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
                {
                    if (window.IsFull) yield return await window.TakeAsync().ConfigureAwait(false);
                    window.Start(reader);
                }
                while (window.HasRows) yield return await window.TakeAsync().ConfigureAwait(false);
                yield break;
            }
            while (await Guard(reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
                yield return read.IsSynchronous ? read.Read(reader) : await read.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        async Task<TResult> Guard<TResult>(Task<TResult> step)
        {
            try
            {
                return await step.ConfigureAwait(false);
            }
            catch (Exception ex) when (TranslateError(ex, "fetch") is { } dj)
            {
                throw dj;
            }
        }
    }

    /// <summary>The driver's exception as a <see cref="DataJointException"/> naming what this query reads, or null.</summary>
    private protected DataJointException? TranslateError(Exception exception, string action)
    {
        var (schema, table) = Location;
        return Dialect.TranslateError(exception, action + " from " + RestrictionTarget, schema, table);
    }

    /// <summary>The schema and table this query reads when it is one table (for errors), else nulls.</summary>
    private protected virtual (string? Schema, string? Table) Location => (null, null);

    /// <summary>Rows read straight from the data reader by a generated mapper.</summary>
    private sealed class MappedRead<TRow>(FetchColumns columns, Func<Metadata.ColumnSource, TRow> map) : IRowRead<TRow>
    {
        public bool IsSynchronous => true;
        public TRow Read(DbDataReader reader) => map(new Metadata.ColumnSource(reader, columns));
        public ValueTask<TRow> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) => new(Read(reader));
    }
}
