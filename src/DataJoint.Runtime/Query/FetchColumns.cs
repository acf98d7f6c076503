using System.Data.Common;

namespace DataJoint;

/// <summary>
/// The columns of one fetch, decided once before its first row: per column the reader of its kind and its codec (from
/// the table's codec plan), and the folder <c>&lt;attach&gt;</c> values are written to. A binary column whose codec
/// decodes from a span (<c>&lt;blob&gt;</c>) is decoded from one buffer the fetch reuses (<see cref="ColumnBytes"/>),
/// not from a new array per value. Dynamic rows
/// (<see cref="RowReader"/>) and the typed mappers (<see cref="Metadata.ColumnSource"/>) read through it.
/// </summary>
internal sealed class FetchColumns
{
    private readonly ColumnReader[] _stored;
    private readonly ColumnBytes _bytes = new(); // one fetch reads its rows one after another

    /// <param name="query">The query fetched (restrictions, joins and projections carry each column's codec).</param>
    /// <param name="names">The attributes fetched, in column order.</param>
    /// <param name="downloadPath">Where <c>&lt;attach&gt;</c> values are written.</param>
    public FetchColumns(QueryExpression query, IReadOnlyList<string> names, string? downloadPath)
    {
        Names = names as string[] ?? names.ToArray();
        var columns = Names.Select(query.ColumnOf).ToArray();
        Kinds = columns.Select(c => c.Attribute.Kind).ToArray();
        _stored = Kinds.Select(ColumnReaders.For).ToArray();
        Codecs = columns.Select(c => c.Codec).ToArray();
        DownloadPath = downloadPath;
        HasCodecs = Codecs.Any(c => c is not null);
        // An unknown codec is reported when one of its values is decoded (asynchronous path), not before the fetch.
        IsSynchronous = Codecs.All(c => c is null || Resolves(c, static c => c.IsSynchronous));
        InPlace = Codecs.Select((c, i) => c is not null && Kinds[i] == AttributeKind.Bytes && Resolves(c, static c => c.DecodesSpans)).ToArray();
    }

    /// <summary>The attributes, in column order.</summary>
    public string[] Names { get; }

    /// <summary>The value kind of each column as stored (a codec column: its final type's kind).</summary>
    public AttributeKind[] Kinds { get; }

    /// <summary>The codec of each column, or null.</summary>
    public AttributeCodec?[] Codecs { get; }

    /// <summary>Per column: true when its codec decodes the column's bytes where they are read (<see cref="ColumnBytes"/>).</summary>
    public bool[] InPlace { get; }

    /// <summary>Where <c>&lt;attach&gt;</c> values are written.</summary>
    public string? DownloadPath { get; }

    /// <summary>True when some column has a codec.</summary>
    public bool HasCodecs { get; }

    /// <summary>True when every codec decodes without I/O: rows are read and decoded in place.</summary>
    public bool IsSynchronous { get; }

    /// <summary>Column <paramref name="ordinal"/> of the reader's current row as stored (null for SQL NULL).</summary>
    public object? ReadStored(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : _stored[ordinal].Read(reader, ordinal);

    /// <summary>Column <paramref name="ordinal"/> of the reader's current row, decoded in place (only when <see cref="IsSynchronous"/>).</summary>
    public object? Read(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return null;
        if (Codecs[ordinal] is not { } codec) return _stored[ordinal].Read(reader, ordinal);
        return InPlace[ordinal]
            ? codec.Decode(_bytes.Read(reader, ordinal), DownloadPath)
            : codec.Decode(_stored[ordinal].Read(reader, ordinal), DownloadPath);
    }

    /// <summary>Decodes a stored non-null value of codec column <paramref name="ordinal"/> (store I/O allowed).</summary>
    public ValueTask<object?> DecodeAsync(int ordinal, object stored, CancellationToken cancellationToken) =>
        Codecs[ordinal]!.DecodeAsync(stored, cancellationToken, DownloadPath);

    /// <summary>
    /// The readers of a <see cref="RowBlock"/>'s columns: a core column is read into an array of its type; a codec column
    /// holds objects, decoded as they are read when <see cref="IsSynchronous"/>, else stored values decoded afterwards.
    /// </summary>
    public ColumnReader[] BlockReaders()
    {
        var readers = new ColumnReader[Names.Length];
        for (var i = 0; i < readers.Length; i++)
        {
            if (Codecs[i] is not { } codec)
            {
                readers[i] = _stored[i];
                continue;
            }
            var stored = _stored[i];
            var downloadPath = DownloadPath;
            var bytes = _bytes;
            readers[i] = !IsSynchronous ? new ColumnReader<object?>(stored.Read)
                : InPlace[i] ? new ColumnReader<object?>((r, o) => codec.Decode(bytes.Read(r, o), downloadPath))
                : new ColumnReader<object?>((r, o) => codec.Decode(stored.Read(r, o), downloadPath));
        }
        return readers;
    }

    /// <summary>A property of a codec's chain; false when the codec is unknown (reported when one of its values is decoded).</summary>
    private static bool Resolves(AttributeCodec codec, Func<AttributeCodec, bool> property)
    {
        try
        {
            return property(codec);
        }
        catch (DataJointException)
        {
            return false;
        }
    }
}
