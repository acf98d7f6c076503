using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;object@store&gt;</c>: schema-addressed files and folders (spec §5.4). Insert a <c>byte[]</c>, a local file or
/// folder path (<see cref="string"/>, <see cref="FileSystemInfo"/>), an <c>(ext, bytes)</c> or <c>(ext, stream)</c>
/// tuple, or pre-computed metadata (<see cref="JsonElement"/>, a dictionary with <c>path</c>, an <see cref="ObjectRef"/>);
/// the column holds <c>{path, store, size, ext, is_dir, item_count, timestamp}</c>. Fetch returns a lazy
/// <see cref="ObjectRef"/>. Store-only.
/// </summary>
[Codec("object", InStore = "json", InTableError = "<object> requires @ (store only)")]
public sealed partial class ObjectCodec : AsyncCodec<object, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(object value)
    {
        switch (value)
        {
            case byte[] or string or FileSystemInfo or ValueTuple<string, byte[]> or ValueTuple<string, Stream> or JsonElement or ObjectRef:
                return;
            case IReadOnlyDictionary<string, object?> d when d.ContainsKey("path"):
                return;
            default:
                throw new DataJointException($"<object> expects bytes or path, got {CodecTypeNames.Of(value.GetType())}");
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<JsonElement> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case JsonElement e: return e; // pre-computed metadata (staged insert): passed through unchanged
            case ObjectRef r: return StoreCodecSupport.ToElement(r.ToJson());
            case IReadOnlyDictionary<string, object?> d:
                return JsonSerializer.SerializeToElement(d, DataJointJson.TypeInfo(typeof(IReadOnlyDictionary<string, object?>)));
        }
        var store = StoreCodecSupport.WriteStore(context);
        var location = StoreCodecSupport.Location(context);
        ObjectMetadata metadata = value switch
        {
            byte[] bytes => await ObjectStorage.PutBytesAsync(store, location, bytes, null, cancellationToken).ConfigureAwait(false),
            ValueTuple<string, byte[]> (var ext, var data) => await ObjectStorage.PutBytesAsync(store, location, data, ext, cancellationToken).ConfigureAwait(false),
            ValueTuple<string, Stream> (var ext, var stream) => await ObjectStorage.PutStreamAsync(store, location, stream,
                stream.CanSeek ? stream.Length - stream.Position : null, ext, cancellationToken).ConfigureAwait(false),
            string path => await ObjectStorage.PutPathAsync(store, location, path, ParallelUploads.DefaultDegree, cancellationToken).ConfigureAwait(false),
            FileSystemInfo info => await ObjectStorage.PutPathAsync(store, location, info.FullName, ParallelUploads.DefaultDegree, cancellationToken).ConfigureAwait(false),
            _ => throw new DataJointException($"<object> expects bytes or path, got {CodecTypeNames.Of(value.GetType())}"),
        };
        return StoreCodecSupport.ToElement(metadata.ToJson());
    }

    /// <inheritdoc/>
    protected override ValueTask<object> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var metadata = ObjectMetadata.Parse(stored.GetRawText());
        return new ValueTask<object>(new ObjectRef(metadata, StoreCodecSupport.ReadStore(metadata.StoreName, context)));
    }
}
