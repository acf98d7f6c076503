using System.Runtime.ExceptionServices;
using DataJoint.Stores;

namespace DataJoint;

/// <summary>The rows of one insert, ready for its statements: fields in heading order, values per row, estimated bytes per row.</summary>
internal sealed record PreparedRows(string[] Fields, List<object?[]> Rows, long[] RowBytes, InsertShape? Shape = null);

/// <summary>
/// How one insert call turns the caller's rows into statement values. The first row fixes the fields (in heading order;
/// every row must give the same ones). Each value is checked and converted against its attribute; a codec value is
/// only validated (once) while the rows are read, and every row is read before the first value is encoded, so a bad
/// row fails the insert before anything is uploaded. <see cref="FinishAsync"/> then encodes the codec values through the
/// table's <see cref="CodecPlan"/> (store-backed ones row-parallel up to <see cref="InsertOptions.MaxParallelUploads"/>)
/// and waits for the uploads.
/// </summary>
internal sealed class InsertPlan
{
    private readonly Table _table;
    private readonly InsertOptions _options;
    private readonly UploadTracker? _uploads;
    private readonly IStoreProvider? _stores;
    private readonly List<object?[]> _rows = [];
    private InsertShape? _shape; // the first row's: its fields are every row's
    private List<PendingValue>? _pending;
    private bool _storeBacked;
    private readonly bool _requireAll;

    /// <summary>A codec value waiting to be encoded: its row, its field and the row's primary key (the codec key of spec §4.4).</summary>
    private readonly record struct PendingValue(int Row, int Field, IReadOnlyDictionary<string, object?> Key);

    /// <param name="table">The table inserted into.</param>
    /// <param name="options">The insert's options.</param>
    /// <param name="uploads">The insert's upload tracker (when the table has store-backed attributes and stores).</param>
    /// <param name="requireAll">Every attribute without a default must have a value (an insert); false for an update of some attributes.</param>
    public InsertPlan(Table table, InsertOptions options, UploadTracker? uploads, bool requireAll = true)
    {
        _requireAll = requireAll;
        _table = table;
        _options = options;
        _uploads = uploads;
        _stores = uploads is not null ? uploads : table.Stores;
    }

    private string Where => _table.FullName;

    /// <summary>The fields the first row set (heading order), or null before any row.</summary>
    public IReadOnlyList<string>? Fields => _shape?.Fields;

    /// <summary>
    /// Reads rows of any shape: dictionaries or objects whose public properties are attributes. The shape of an object
    /// type and of a dictionary's keys is the table's (<see cref="InsertShape"/>), worked out once.
    /// </summary>
    public void AddRows<TRow>(IEnumerable<TRow> rows)
    {
        RowAccessor? accessor = null;
        Type? accessorType = null;
        InsertShape? objectShape = null;
        foreach (var row in rows)
        {
            if (row is null) throw new DataJointException($"Insert into {Where}: row {_rows.Count} is null");
            if (RowAccessor.IsDictionary(row))
            {
                AddDictionary(row);
                continue;
            }
            var t = row.GetType();
            if (t != accessorType)
            {
                accessor = RowAccessor.For(t);
                accessorType = t;
                objectShape = _table.InsertShapes.ForNames(accessor.Names);
            }
            var shape = objectShape!;
            Use(shape);
            var raw = new object?[shape.Fields.Length];
            var getters = accessor!.Getters;
            var map = shape.Map;
            for (var i = 0; i < getters.Length; i++)
            {
                var f = map[i];
                if (f >= 0) raw[f] = getters[i](row);
            }
            AddRow(raw);
        }
    }

    /// <summary>
    /// Reads typed rows (the generated mappers): every row's values in the order of <paramref name="names"/>, mapped once
    /// per call. Each array is the caller's to give away: when the names are the fields in order, it becomes the row's
    /// statement values as it is.
    /// </summary>
    public void AddRows(string[] names, IEnumerable<object?[]> rows)
    {
        InsertShape? shape = null;
        foreach (var values in rows)
        {
            if (shape is null)
            {
                shape = _table.InsertShapes.ForNames(names);
                Use(shape);
            }
            if (shape.Identity && values.Length == shape.Map.Length)
            {
                AddRow(values);
                continue;
            }
            var raw = new object?[shape.Fields.Length];
            for (var i = 0; i < shape.Map.Length; i++)
            {
                var f = shape.Map[i];
                if (f >= 0) raw[f] = values[i];
            }
            AddRow(raw);
        }
    }

    /// <summary>A dictionary row: looked up by the fields of the previous row's shape when it has the same keys, else by its own.</summary>
    private void AddDictionary(object row)
    {
        if (_shape is { } shape && RowAccessor.TryGetValues(row, shape.Given, shape.Map, shape.Fields.Length, out var raw))
        {
            AddRow(raw);
            return;
        }
        var pairs = RowAccessor.Pairs(row).ToList();
        var keys = new string[pairs.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = pairs[i].Key;
        shape = _table.InsertShapes.ForKeys(keys);
        Use(shape);
        raw = new object?[shape.Fields.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var f = shape.Map[i];
            if (f >= 0) raw[f] = pairs[i].Value;
        }
        AddRow(raw);
    }

    /// <summary>
    /// Converts a row's values in place (the array becomes the row's statement values). Codec values are only validated
    /// here; they are encoded (and uploaded) once every row has been checked.
    /// </summary>
    private void AddRow(object?[] values)
    {
        var rowNumber = _rows.Count;
        var shape = _shape!;
        var attributes = shape.Attributes;
        var codecs = shape.Codecs;
        Dictionary<string, object?>? key = null;
        for (var i = 0; i < values.Length; i++)
        {
            var a = attributes[i];
            var v = values[i];
            if (codecs[i] is { } codec && v is not null)
            {
                if (key is null)
                {
                    key = new Dictionary<string, object?>(shape.Key.Length, StringComparer.Ordinal);
                    foreach (var (n, f) in shape.Key) key[n] = values[f];
                }
                codec.Validate(v);
                (_pending ??= []).Add(new PendingValue(rowNumber, i, key));
                if (a.Store is not null) _storeBacked = true;
                continue;
            }
            values[i] = ValueConverter.ToDb(a, v, Where, a.CodecName is not null);
        }
        _rows.Add(values);
    }

    /// <summary>Encodes the codec values, waits for their uploads, and sizes every row.</summary>
    public async Task<PreparedRows> FinishAsync(CancellationToken cancellationToken)
    {
        if (_pending is not null)
        {
            if (_uploads is not null) _uploads.RowCount = _rows.Count;
            try
            {
                await EncodeAllAsync(_pending, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _uploads is { Failure: { } failure })
            {
                // Encoding stopped because a background upload failed: that failure is the insert's error.
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
            // Uploads handed to the tracker run in the background; all must be done before the rows are written.
            if (_uploads is not null) await _uploads.DrainAsync().ConfigureAwait(false);
        }
        var bytes = new long[_rows.Count];
        for (var r = 0; r < bytes.Length; r++)
        {
            long size = 4;
            foreach (var c in _rows[r]) size += ValueConverter.EstimateBytes(c!) + 1;
            bytes[r] = size;
        }
        return new PreparedRows(_shape?.Fields ?? [], _rows, bytes, _shape);
    }

    private async Task EncodeAllAsync(List<PendingValue> pending, CancellationToken cancellationToken)
    {
        if (_storeBacked && _options.MaxParallelUploads > 1 && _rows.Count > 1)
        {
            // One work item per row (a row's fields encode in order); results land in the row's own slots.
            var byRow = pending.GroupBy(p => p.Row).Select(g => g.ToArray()).ToArray();
            await ParallelUploads.ForEachAsync(byRow, _options.MaxParallelUploads, async (items, ct) =>
            {
                foreach (var item in items) await EncodeOneAsync(item, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var item in pending) await EncodeOneAsync(item, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EncodeOneAsync(PendingValue item, CancellationToken cancellationToken)
    {
        var row = _rows[item.Row];
        var encoded = await _shape!.Codecs[item.Field]!.EncodeAsync(row[item.Field]!, item.Key, _stores, _uploads, cancellationToken).ConfigureAwait(false);
        row[item.Field] = ValueConverter.ToDb(_shape.Attributes[item.Field], encoded, Where, encodedByCodec: true);
    }

    /// <summary>
    /// The shape of the next row: the first row's sets the fields (and every attribute without a default must be one of
    /// them); a later row's must fill the same fields. A name that is not an attribute is refused unless extra fields are ignored.
    /// </summary>
    private void Use(InsertShape shape)
    {
        if (ReferenceEquals(shape, _shape)) return;
        if (shape.Unknown.Length > 0 && !_options.IgnoreExtraFields)
            throw new DataJointException($"`{shape.Unknown[0]}` is not in the table heading of {Where}");
        if (_shape is not null)
        {
            // Fields are in heading order: the same set is the same sequence.
            if (!shape.Fields.AsSpan().SequenceEqual(_shape.Fields))
                throw new DataJointException($"Attempt to insert rows with different fields (table {Where}, row {_rows.Count}).");
            return;
        }
        if (shape.Missing.Length > 0 && _requireAll)
            throw new DataJointException($"Cannot insert into {Where}: the following attributes require values: [{string.Join(", ", shape.Missing)}]");
        _shape = shape;
    }
}
