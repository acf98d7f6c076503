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
/// What one fetch reads per row: the columns (<see cref="FetchColumns"/>: readers chosen once per fetch, codecs from the
/// table's codec plan) and the row shape all rows share. Rows whose codecs all decode without I/O are read in place.
/// A fetched list reads its rows into <see cref="RowBlock"/>s (values by column, no box per number); a stream gives
/// each row its own value array, so a row kept from a stream holds no other row's values.
/// </summary>
internal sealed class RowReader : IRowRead<Row>
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
            return new Row(_shape, block, block.Add(reader));
        }
        var values = new object?[_columns.Names.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _columns.Read(reader, i);
        return new Row(_shape, values);
    }

    /// <inheritdoc />
    public ValueTask<Row> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        IsSynchronous ? new ValueTask<Row>(Read(reader)) : DecodeAsync(reader, cancellationToken);

    /// <summary>The block the next row goes into (a new one when the current one is full).</summary>
    private RowBlock NextSlot()
    {
        if (_block is { } block && block.Count < block.Capacity) return block;
        var capacity = _block is null ? FirstBlockRows : Math.Min(_block.Capacity * 2, MaxBlockRows);
        return _block = new RowBlock(_blockReaders!, capacity);
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
            return new Row(_shape, block, index);
        }
        var values = new object?[codecs.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _columns.ReadStored(reader, i);
        for (var i = 0; i < values.Length; i++)
            if (codecs[i] is not null && values[i] is { } stored)
                values[i] = await _columns.DecodeAsync(i, stored, cancellationToken).ConfigureAwait(false);
        return new Row(_shape, values);
    }
}
