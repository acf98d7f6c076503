using System.Text.Json;
using DataJoint.Stores;

namespace DataJoint.BuiltIn;

/// <summary>Shared plumbing of the built-in store codecs: stores by name, metadata as <see cref="JsonElement"/>, row locations.</summary>
internal static class StoreCodecSupport
{
    /// <summary>The store an encoder writes to (the chain's concrete store).</summary>
    internal static IObjectStore WriteStore(EncodeContext context) => context.GetStore();

    /// <summary>
    /// The store a stored value lives in: the <c>store</c> recorded in its metadata (so reads survive configuration
    /// changes), else the column's store.
    /// </summary>
    internal static IObjectStore ReadStore(string? recordedStore, DecodeContext context) => context.GetStore(recordedStore);

    internal static JsonElement ToElement(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    internal static ObjectLocation Location(EncodeContext context) => ObjectLocation.For(context);

    internal static string Where(DecodeContext context) =>
        $"attribute '{context.Attribute ?? "?"}' of table `{context.Schema ?? "?"}`.`{context.Table ?? "?"}`";
}
