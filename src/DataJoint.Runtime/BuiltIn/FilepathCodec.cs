using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;filepath@store&gt;</c>: a reference to a file or folder already in the store (store-relative path); DataJoint
/// never copies or deletes it (spec §5.7). Insert the path (<see cref="string"/>) or a fetched <see cref="ObjectRef"/>;
/// the column holds <c>{path, store, size, is_dir, timestamp}</c>; fetch returns an <see cref="ObjectRef"/>. Store-only.
/// </summary>
[Codec("filepath", InStore = "json",
    InTableError = "<filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.")]
public sealed partial class FilepathCodec : AsyncCodec<object, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        switch (value)
        {
            case string s when s.Length == 0:
                throw new DataJointException("<filepath> expects a path string or Path, got an empty string");
            case string or ObjectRef:
                return;
            default:
                throw new DataJointException($"<filepath> expects a path string or Path, got {CodecTypeNames.Of(value.GetType())}");
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        var path = value switch
        {
            string s => s,
            ObjectRef r => r.Path,
            _ => throw new DataJointException($"<filepath> expects a path string or Path, got {CodecTypeNames.Of(value.GetType())}"),
        };
        var metadata = await FilepathReference.CreateAsync(StoreCodecSupport.WriteStore(context), path, cancellationToken).ConfigureAwait(false);
        return StoreCodecSupport.ToElement(metadata.ToJson());
    }

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var metadata = ObjectMetadata.Parse(stored.GetRawText()) with { IsFilepath = true };
        return new ValueTask<object>(new ObjectRef(metadata, StoreCodecSupport.ReadStore(metadata.StoreName, context)));
    }
}
