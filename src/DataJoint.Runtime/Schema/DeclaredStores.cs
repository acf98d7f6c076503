using DataJoint.Definitions;

namespace DataJoint;

/// <summary>
/// Before a table is created, every store its codec columns name (<c>&lt;blob@main&gt;</c>, a bare <c>&lt;blob@&gt;</c> =
/// the default store, stores inherited through codec chains) must be configured for the schema: otherwise the first
/// insert would fail, long after the mistake. DataJoint Python checks stores only on insert; this is stricter. Tables
/// that already exist (declared elsewhere, or opened by name) are not checked.
/// </summary>
internal static class DeclaredStores
{
    public static void Check(TableDefinition parsed, DataJoint.Stores.IStoreProvider? stores, string database, string table)
    {
        foreach (var line in parsed.Lines)
        {
            if (line is not AttributeDefinition { Category: TypeCategory.Codec } attribute) continue;
            var chain = Codecs.Resolve(attribute.Type);
            if (chain.Store is null) continue;
            var isFilepath = chain.Links.Count > 0 && chain.Links[0].Descriptor.Name == "filepath";
            var where = $"`{database}`.`{table}` attribute `{attribute.Name}` ({attribute.Type})";
            if (stores is null)
                throw new DataJointException(
                    $"Cannot declare {where}: it stores its values in {(chain.Store.Length == 0 ? "the default store" : $"store '{chain.Store}'")}, " +
                    "but the schema has no object stores. Pass stores to Schema.ActivateAsync (e.g. StoreProvider.FromEnvironment()).")
                {
                    Schema = database, Table = table, Attribute = attribute.Name, Store = chain.Store,
                };
            try
            {
                var name = CodecContextHelpers.ResolveStoreName(chain.Store, stores, isFilepath);
                _ = isFilepath ? stores.GetFilepathStore(name) : stores.GetStore(name);
            }
            catch (DataJointException ex)
            {
                throw new DataJointException($"Cannot declare {where}: {ex.Message}", ex)
                {
                    Schema = database, Table = table, Attribute = attribute.Name, Store = chain.Store,
                };
            }
        }
    }
}
