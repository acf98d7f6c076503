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
/// What one fetch reads per row: the attributes, their column readers (chosen once per fetch), their codecs (the table's
/// codec plan) and the row shape all rows share. Rows whose codecs all decode without I/O are read in place.
/// </summary>
internal sealed class RowReader : IRowRead<Row>
{
    private readonly ColumnReaders.ReadColumn[] _readers;
    private readonly AttributeCodec?[] _codecs;
    private readonly bool _hasCodecs;
    private readonly RowShape _shape;
    private readonly string? _downloadPath;

    public RowReader(QueryExpression query, FetchOptions? options)
    {
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

    private object?[] ReadColumns(DbDataReader reader)
    {
        var n = _readers.Length;
        var values = new object?[n];
        for (var i = 0; i < n; i++)
            values[i] = reader.IsDBNull(i) ? null : _readers[i](reader, i);
        return values;
    }

    private async ValueTask<Row> DecodeAsync(object?[] values, CancellationToken cancellationToken)
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
