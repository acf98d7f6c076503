namespace DataJoint;

/// <summary>Where a codec value is being read: its table (for messages), the stores, and the <c>&lt;attach&gt;</c> download folder.</summary>
internal sealed record CodecRead(string? Schema, string? Table, DataJoint.Stores.IStoreProvider? Stores, string? DownloadPath);

/// <summary>Where a codec value is being written (the codec key of spec §4.4).</summary>
internal sealed record CodecWrite(string Schema, string Table, IReadOnlyDictionary<string, object?> PrimaryKey,
    DataJoint.Stores.IStoreProvider? Stores);

/// <summary>
/// The tables' seam to the codec registry: encodes a value of a codec attribute into its stored value and decodes
/// it back. Unknown codecs fail only when a column using them is read or written (spec §2.7 step 4).
/// </summary>
internal interface IAttributeCodecs
{
    ValueTask<object?> EncodeAsync(HeadingAttribute attribute, object value, CodecWrite where, CancellationToken cancellationToken);

    /// <summary>The checks encoding starts with (type, codec validation), run for every row before any upload.</summary>
    void Validate(HeadingAttribute attribute, object value, CodecWrite where) { }

    ValueTask<object?> DecodeAsync(HeadingAttribute attribute, object stored, CodecRead where, CancellationToken cancellationToken);
}

internal static class AttributeCodecs
{
    /// <summary>The implementation in use (the codec registry once it is wired in).</summary>
    public static IAttributeCodecs Current { get; set; } = new Registry();

    public static string NotRegistered(string codecName) =>
        $"Codec <{codecName}> is not registered. Define a Codec subclass with name='{{type_name}}'.";

    /// <summary>Resolves the column's codec spec through the codec registry (<see cref="Codecs.Resolve"/>).</summary>
    private sealed class Registry : IAttributeCodecs
    {
        private static CodecChain Chain(HeadingAttribute a, string where)
        {
            if (!Codecs.TryGet(a.CodecName!, out _))
                throw new DataJointException(NotRegistered(a.CodecName!) + $" (attribute `{a.Name}` of table {where})");
            return Codecs.Resolve(a.Codec!);
        }

        public async ValueTask<object?> EncodeAsync(HeadingAttribute attribute, object value, CodecWrite where, CancellationToken cancellationToken)
        {
            var chain = Chain(attribute, $"`{where.Schema}`.`{where.Table}`");
            var ctx = new EncodeContext
            {
                Schema = where.Schema, Table = where.Table, Attribute = attribute.Name, PrimaryKey = where.PrimaryKey, Stores = where.Stores,
            };
            return await chain.EncodeAsync(value, ctx, cancellationToken).ConfigureAwait(false);
        }

        public void Validate(HeadingAttribute attribute, object value, CodecWrite where)
        {
            var chain = Chain(attribute, $"`{where.Schema}`.`{where.Table}`");
            chain.Validate(value, new EncodeContext { Schema = where.Schema, Table = where.Table, Attribute = attribute.Name, Stores = where.Stores });
        }

        public async ValueTask<object?> DecodeAsync(HeadingAttribute attribute, object stored, CodecRead where, CancellationToken cancellationToken)
        {
            var chain = Chain(attribute, $"`{where.Schema ?? "?"}`.`{where.Table ?? "?"}`");
            var ctx = new DecodeContext
            {
                Schema = where.Schema, Table = where.Table, Attribute = attribute.Name, Stores = where.Stores, DownloadPath = where.DownloadPath,
            };
            return await chain.DecodeAsync(stored, ctx, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Unregistered : IAttributeCodecs
    {
        public void Validate(HeadingAttribute attribute, object value, CodecWrite where) =>
            throw new DataJointException(NotRegistered(attribute.CodecName!) + $" (attribute `{attribute.Name}` of table `{where.Schema}`.`{where.Table}`)");

        public ValueTask<object?> EncodeAsync(HeadingAttribute attribute, object value, CodecWrite where, CancellationToken cancellationToken) =>
            throw new DataJointException(NotRegistered(attribute.CodecName!) + $" (attribute `{attribute.Name}` of table `{where.Schema}`.`{where.Table}`)");

        public ValueTask<object?> DecodeAsync(HeadingAttribute attribute, object stored, CodecRead where, CancellationToken cancellationToken) =>
            throw new DataJointException(NotRegistered(attribute.CodecName!) + $" (attribute `{attribute.Name}`)");
    }
}
