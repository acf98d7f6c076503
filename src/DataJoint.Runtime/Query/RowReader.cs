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
/// A row read in two steps, so several rows can decode at once while the next ones are read: the stored values of the
/// current row (no I/O), then their decoding (object-store reads).
/// </summary>
internal interface IStagedRowRead<T> : IRowRead<T>
{
    /// <summary>How many rows may decode at once (1: one after the other).</summary>
    int MaxParallelDecodes { get; }

    /// <summary>The stored values of the current row.</summary>
    object?[] ReadStored(DbDataReader reader);

    /// <summary>The row of <paramref name="stored"/> values, decoded.</summary>
    ValueTask<T> DecodeAsync(object?[] stored, CancellationToken cancellationToken);
}

/// <summary>
/// Rows decoding concurrently, at most a fixed number at once, handed back in the order they were started. A failure
/// cancels the decodes still running when the window is disposed.
/// </summary>
internal sealed class DecodeWindow<T> : IAsyncDisposable
{
    private readonly Queue<Task<T>> _running = new();
    private readonly CancellationTokenSource _cancel;
    private readonly int _degree;

    public DecodeWindow(int degree, CancellationToken cancellationToken)
    {
        _degree = degree;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>True when as many decodes run as the window allows (take the oldest before starting another).</summary>
    public bool IsFull => _running.Count >= _degree;

    /// <summary>True while decodes are running or waiting to be taken.</summary>
    public bool HasRows => _running.Count > 0;

    /// <summary>Starts decoding one row.</summary>
    public void Start(Func<CancellationToken, ValueTask<T>> decode) => _running.Enqueue(decode(_cancel.Token).AsTask());

    /// <summary>The oldest row, once decoded.</summary>
    public Task<T> TakeAsync() => _running.Dequeue();

    public async ValueTask DisposeAsync()
    {
        if (_running.Count > 0)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            while (_running.Count > 0)
            {
                try { await _running.Dequeue().ConfigureAwait(false); }
                catch (Exception) { /* the failure that stopped the fetch is reported; these were cancelled */ }
            }
        }
        _cancel.Dispose();
    }
}

/// <summary>
/// What one fetch reads per row: the attributes, their column readers (chosen once per fetch), their codecs (the table's
/// codec plan) and the row shape all rows share. Rows whose codecs all decode without I/O are read in place.
/// </summary>
internal sealed class RowReader : IStagedRowRead<Row>
{
    private readonly ColumnReaders.ReadColumn[] _readers;
    private readonly AttributeCodec?[] _codecs;
    private readonly bool _hasCodecs;
    private readonly RowShape _shape;
    private readonly string? _downloadPath;

    public RowReader(QueryExpression query, FetchOptions? options)
    {
        MaxParallelDecodes = options?.MaxParallelDownloads ?? DataJoint.Stores.ParallelUploads.DefaultDegree;
        if (MaxParallelDecodes < 1)
            throw new DataJointException($"Fetch from {query.RestrictionTarget}: MaxParallelDownloads must be at least 1, got {MaxParallelDecodes}");
        query = query.ForFetch(options);
        _downloadPath = options?.DownloadPath ?? query.Connection.DownloadPath ?? query.Connection.AllSettings.DownloadPath;
        var names = query.ResolveAttributes(options?.Attributes);
        Sql = SelectSql.Select(query, names, forFetch: true);
        var columns = names.Select(query.ColumnOf).ToArray();
        _readers = columns.Select(c => ColumnReaders.For(c.Attribute.Kind)).ToArray();
        _codecs = columns.Select(c => c.Codec).ToArray();
        _hasCodecs = _codecs.Any(c => c is not null);
        _shape = new RowShape(names);
        // An unknown codec is reported when one of its values is decoded (asynchronous path), not before the fetch.
        IsSynchronous = _codecs.All(c => c is null || IsSynchronousChain(c));
    }

    /// <summary>The SELECT statement of the fetch.</summary>
    public SqlFragment Sql { get; }

    /// <inheritdoc />
    public bool IsSynchronous { get; }

    /// <inheritdoc />
    public Row Read(DbDataReader reader)
    {
        var values = ReadColumns(reader);
        if (_hasCodecs)
        {
            for (var i = 0; i < values.Length; i++)
                if (_codecs[i] is { } codec && values[i] is { } stored) values[i] = codec.Decode(stored, _downloadPath);
        }
        return new Row(_shape, values);
    }

    /// <inheritdoc />
    public ValueTask<Row> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        IsSynchronous ? new ValueTask<Row>(Read(reader)) : DecodeAsync(ReadColumns(reader), cancellationToken);

    /// <inheritdoc />
    public int MaxParallelDecodes { get; }

    /// <inheritdoc />
    public object?[] ReadStored(DbDataReader reader) => ReadColumns(reader);

    private object?[] ReadColumns(DbDataReader reader)
    {
        var n = _readers.Length;
        var values = new object?[n];
        for (var i = 0; i < n; i++)
            values[i] = reader.IsDBNull(i) ? null : _readers[i](reader, i);
        return values;
    }

    /// <inheritdoc />
    public async ValueTask<Row> DecodeAsync(object?[] values, CancellationToken cancellationToken)
    {
        for (var i = 0; i < values.Length; i++)
            if (_codecs[i] is { } codec && values[i] is { } stored)
                values[i] = await codec.DecodeAsync(stored, cancellationToken, _downloadPath).ConfigureAwait(false);
        return new Row(_shape, values);
    }

    private static bool IsSynchronousChain(AttributeCodec codec)
    {
        try
        {
            return codec.IsSynchronous;
        }
        catch (DataJointException)
        {
            return false;
        }
    }
}
