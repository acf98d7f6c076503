using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;npy@store&gt;</c>: an array written as a NumPy <c>.npy</c> file to a schema-addressed path; the column holds
/// <c>{path, store, dtype, shape}</c> (spec §5.5). Insert a numeric .NET array (<c>double[]</c>, <c>float[,]</c>...), an
/// <see cref="NpyArray"/> or an <see cref="NpyRef"/>; fetch returns a lazy <see cref="NpyRef"/> (shape and dtype
/// without download, <see cref="NpyRef.LoadAsync"/> for the data). Store-only.
/// </summary>
[Codec("npy", InStore = "json", InTableError = "<npy> requires @ (store only)")]
public sealed partial class NpyCodec : AsyncCodec<object, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        switch (value)
        {
            case NpyArray or NpyRef:
                return;
            case Array array:
                var element = array.GetType().GetElementType();
                if (element == typeof(object)) throw new DataJointException("<npy> does not support object dtype arrays");
                NpyDtype.For(element!); // throws for element types NumPy has no numeric dtype for
                return;
            default:
                throw new DataJointException($"<npy> requires an array (a numeric .NET array or NpyArray), got {CodecTypeNames.Of(value.GetType())}");
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        var array = value switch
        {
            NpyArray a => a,
            NpyRef r => await r.LoadAsync(cancellationToken).ConfigureAwait(false),
            Array a => NpyArray.FromArray(a),
            _ => throw new DataJointException($"<npy> requires an array (a numeric .NET array or NpyArray), got {CodecTypeNames.Of(value.GetType())}"),
        };
        var metadata = await ObjectStorage.PutNpyAsync(StoreCodecSupport.WriteStore(context), StoreCodecSupport.Location(context), array, cancellationToken)
            .ConfigureAwait(false);
        return StoreCodecSupport.ToElement(metadata.ToJson());
    }

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var metadata = NpyMetadata.Parse(stored.GetRawText());
        return new ValueTask<object>(new NpyRef(metadata, StoreCodecSupport.ReadStore(metadata.StoreName, context)));
    }
}
