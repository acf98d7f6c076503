using System.Data.Common;

namespace DataJoint;

/// <summary>Materializes the reader's current row as a <typeparamref name="T"/>.</summary>
internal interface IRowRead<T>
{
    /// <summary>True when <see cref="Read"/> may be used (no value needs I/O to decode).</summary>
    bool IsSynchronous { get; }

    /// <summary>The current row, read in place.</summary>
    T Read(DbDataReader reader);

    /// <summary>The current row, decoding values that need I/O (object stores).</summary>
    ValueTask<T> ReadAsync(DbDataReader reader, CancellationToken cancellationToken);
}

/// <summary>
/// A row read in three steps, so several rows can decode at once while the next ones are read: its stored values, read
/// from the reader in place (no I/O); their decoding (object-store reads, off the reader's thread, touching nothing the
/// other rows share); then the row, made on the reader's thread in row order from the decoded values.
/// </summary>
internal interface IStagedRowRead<T> : IRowRead<T>
{
    /// <summary>How many rows may decode at once (1: one after the other).</summary>
    int MaxParallelDecodes { get; }

    /// <summary>Reads the reader's current row as stored.</summary>
    StagedRow ReadStored(DbDataReader reader);

    /// <summary>Decodes the codec values of <paramref name="row"/> (a new array: column → decoded value).</summary>
    ValueTask<object?[]> DecodeAsync(StagedRow row, CancellationToken cancellationToken);

    /// <summary>The row of <paramref name="row"/> with its <paramref name="decoded"/> values.</summary>
    T Complete(StagedRow row, object?[] decoded);
}

/// <summary>
/// A row read as stored and waiting for its codec values: its slot in a <see cref="RowBlock"/> (a fetched list) or its
/// own value array (a stream), and the stored values of its codec columns (null elsewhere).
/// </summary>
internal readonly record struct StagedRow(RowBlock? Block, int Index, object?[]? Values, object?[] Stored);

/// <summary>
/// Rows decoding concurrently, at most a fixed number at once, handed back in the order they were read. A failure
/// cancels the decodes still running when the window is disposed.
/// </summary>
internal sealed class DecodeWindow<T> : IAsyncDisposable
{
    private readonly Queue<(StagedRow Row, Task<object?[]> Decoding)> _running = new();
    private readonly IStagedRowRead<T> _read;
    private readonly CancellationTokenSource _cancel;

    public DecodeWindow(IStagedRowRead<T> read, CancellationToken cancellationToken)
    {
        _read = read;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>True when as many rows decode as the window allows (take the oldest before starting another).</summary>
    public bool IsFull => _running.Count >= _read.MaxParallelDecodes;

    /// <summary>True while rows are decoding or waiting to be taken.</summary>
    public bool HasRows => _running.Count > 0;

    /// <summary>Reads the reader's current row as stored and starts decoding it.</summary>
    public void Start(DbDataReader reader)
    {
        var row = _read.ReadStored(reader);
        _running.Enqueue((row, _read.DecodeAsync(row, _cancel.Token).AsTask()));
    }

    /// <summary>The oldest row, once decoded.</summary>
    public async Task<T> TakeAsync()
    {
        var (row, decoding) = _running.Dequeue();
        return _read.Complete(row, await decoding.ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        if (_running.Count > 0)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            while (_running.Count > 0)
            {
                try { await _running.Dequeue().Decoding.ConfigureAwait(false); }
                catch (Exception) { /* the failure that stopped the fetch is reported; these were cancelled */ }
            }
        }
        _cancel.Dispose();
    }
}

/// <summary>
/// What one fetch reads per row: the columns (<see cref="FetchColumns"/>: readers chosen once per fetch, codecs from the
/// table's codec plan) and the row shape all rows share. Rows whose codecs all decode without I/O are read in place.
/// A fetched list reads its rows into <see cref="RowBlock"/>s (values by column, no box per number); a stream gives
/// each row its own value array, so a row kept from a stream holds no other row's values. Rows with store-backed values
/// decode <see cref="FetchOptions.MaxParallelDownloads"/> at once (<see cref="IStagedRowRead{T}"/>).
/// </summary>
internal sealed class RowReader : IStagedRowRead<Row>
{
    /// <summary>Rows of the first block of a list; each next block doubles, up to <see cref="MaxBlockRows"/>.</summary>
    private const int FirstBlockRows = 16;
    private const int MaxBlockRows = 1024;

    private readonly FetchColumns _columns;
    private readonly RowShape _shape;
    private readonly ColumnReader[]? _blockReaders;
    private RowBlock? _block;

    /// <param name="query">The query fetched.</param>
    /// <param name="options">Attributes, order, paging and download path.</param>
    /// <param name="intoBlocks">True for a fetched list (rows share blocks), false for a stream.</param>
    public RowReader(QueryExpression query, FetchOptions? options, bool intoBlocks = false)
    {
        MaxParallelDecodes = options?.MaxParallelDownloads ?? DataJoint.Stores.ParallelUploads.DefaultDegree;
        if (MaxParallelDecodes < 1)
            throw new DataJointException($"Fetch from {query.RestrictionTarget}: MaxParallelDownloads must be at least 1, got {MaxParallelDecodes}");
        query = query.ForFetch(options);
        var names = query.ResolveAttributes(options?.Attributes);
        Sql = SelectSql.Select(query, names, forFetch: true);
        _columns = new FetchColumns(query, names, options?.DownloadPath ?? query.Connection.DownloadPath ?? query.Connection.AllSettings.DownloadPath);
        _shape = new RowShape(_columns.Names);
        if (intoBlocks) _blockReaders = _columns.BlockReaders();
    }

    /// <summary>The SELECT statement of the fetch.</summary>
    public SqlFragment Sql { get; }

    /// <inheritdoc />
    public bool IsSynchronous => _columns.IsSynchronous;

    /// <inheritdoc />
    public Row Read(DbDataReader reader)
    {
        if (_blockReaders is not null)
        {
            var block = NextSlot();
            return new Row(block, block.Add(reader));
        }
        var values = new object?[_columns.Names.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _columns.Read(reader, i);
        return new Row(new RowValues(_shape, values), 0);
    }

    /// <inheritdoc />
    public ValueTask<Row> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        IsSynchronous ? new ValueTask<Row>(Read(reader)) : DecodeAsync(reader, cancellationToken);

    /// <summary>The block the next row goes into (a new one when the current one is full).</summary>
    private RowBlock NextSlot()
    {
        if (_block is { } block && block.Count < block.Capacity) return block;
        var capacity = _block is null ? FirstBlockRows : Math.Min(_block.Capacity * 2, MaxBlockRows);
        return _block = new RowBlock(_shape, _blockReaders!, capacity);
    }

    /// <inheritdoc />
    public int MaxParallelDecodes { get; }

    /// <inheritdoc />
    public StagedRow ReadStored(DbDataReader reader)
    {
        var codecs = _columns.Codecs;
        var stored = new object?[codecs.Length];
        if (_blockReaders is not null)
        {
            var block = NextSlot();
            var index = block.Add(reader);
            for (var i = 0; i < codecs.Length; i++)
                if (codecs[i] is not null) stored[i] = block.Get(i, index);
            return new StagedRow(block, index, null, stored);
        }
        var values = new object?[codecs.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _columns.ReadStored(reader, i);
            if (codecs[i] is not null) stored[i] = values[i];
        }
        return new StagedRow(null, 0, values, stored);
    }

    /// <inheritdoc />
    public async ValueTask<object?[]> DecodeAsync(StagedRow row, CancellationToken cancellationToken)
    {
        var decoded = new object?[row.Stored.Length];
        for (var i = 0; i < decoded.Length; i++)
            if (row.Stored[i] is { } stored)
                decoded[i] = await _columns.DecodeAsync(i, stored, cancellationToken).ConfigureAwait(false);
        return decoded;
    }

    /// <inheritdoc />
    public Row Complete(StagedRow row, object?[] decoded)
    {
        var codecs = _columns.Codecs;
        if (row.Block is { } block)
        {
            for (var i = 0; i < codecs.Length; i++)
                if (codecs[i] is not null) block.Set(i, row.Index, decoded[i]);
            return new Row(block, row.Index);
        }
        var values = row.Values!;
        for (var i = 0; i < codecs.Length; i++)
            if (codecs[i] is not null) values[i] = decoded[i];
        return new Row(new RowValues(_shape, values), 0);
    }

    private async ValueTask<Row> DecodeAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var codecs = _columns.Codecs;
        if (_blockReaders is not null)
        {
            var block = NextSlot();
            var index = block.Add(reader);
            for (var i = 0; i < codecs.Length; i++)
                if (codecs[i] is not null && block.Get(i, index) is { } stored)
                    block.Set(i, index, await _columns.DecodeAsync(i, stored, cancellationToken).ConfigureAwait(false));
            return new Row(block, index);
        }
        var values = new object?[codecs.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _columns.ReadStored(reader, i);
        for (var i = 0; i < values.Length; i++)
            if (codecs[i] is not null && values[i] is { } stored)
                values[i] = await _columns.DecodeAsync(i, stored, cancellationToken).ConfigureAwait(false);
        return new Row(new RowValues(_shape, values), 0);
    }
}
