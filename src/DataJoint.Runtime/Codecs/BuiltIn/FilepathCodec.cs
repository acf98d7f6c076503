using System.Text.Json;

namespace DataJoint.BuiltIn;

/// <summary>
/// <c>&lt;filepath@store&gt;</c>: a reference to a file already in the store (store-relative path); DataJoint never
/// copies or deletes it (spec §5.7). Store-only.
/// </summary>
[Codec("filepath", InStore = "json",
    InTableError = "<filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.")]
public sealed partial class FilepathCodec : AsyncCodec<string, JsonElement>
{
    /// <inheritdoc/>
    protected override void Validate(string value)
    {
        if (string.IsNullOrEmpty(value)) throw new DataJointException("<filepath> expects a path string or Path, got an empty string");
    }

    /// <inheritdoc/>
    protected override ValueTask<JsonElement> EncodeAsync(string value, EncodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("filepath");

    /// <inheritdoc/>
    protected override ValueTask<string> DecodeAsync(JsonElement stored, DecodeContext context, CancellationToken cancellationToken) =>
        throw NotImplementedYet.StoreIo("filepath");
}
