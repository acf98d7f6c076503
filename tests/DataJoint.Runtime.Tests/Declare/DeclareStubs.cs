using DataJoint.Definitions;

namespace DataJoint.Runtime.Tests.Declare;

/// <summary>
/// Codec resolver for tests with the built-in codecs' declare-time behaviour from spec §2.6/§4/§8 and a custom
/// <c>graph</c> codec whose dtype is <c>&lt;blob&gt;</c>. (The real registry lives in Shared/Codecs.)
/// </summary>
internal sealed class StubCodecs : IDeclareCodecTypeResolver
{
    public static readonly StubCodecs Instance = new();

    public CodecTypeResolution Resolve(string codecSpec)
    {
        DataJointTypes.ParseCodecSpec(codecSpec, out var name, out var store);
        var inStore = store != null;
        switch (name)
        {
            case "blob":
            case "attach":
            case "graph":
                return CodecTypeResolution.Success(inStore ? "json" : "bytes");
            case "hash":
                return inStore ? CodecTypeResolution.Success("json") : CodecTypeResolution.Failure("<hash> requires @ (in-store storage only)");
            case "object":
            case "npy":
                return inStore ? CodecTypeResolution.Success("json") : CodecTypeResolution.Failure("<" + name + "> requires @ (store only)");
            case "filepath":
                return inStore
                    ? CodecTypeResolution.Success("json")
                    : CodecTypeResolution.Failure("<filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.");
            case "label":
                return CodecTypeResolution.Success("varchar(32)");
            case "weird":
                return CodecTypeResolution.Success("geometry");
            default:
                return CodecTypeResolution.Failure("Codec <" + name + "> is not registered. Define a Codec subclass with name='" + name + "'.");
        }
    }
}

/// <summary>Foreign key parents by reference name.</summary>
internal sealed class StubParents : IForeignKeyResolver
{
    private readonly Dictionary<string, ForeignKeyParent> _parents = new(StringComparer.Ordinal);

    public StubParents Add(string reference, ForeignKeyParent parent)
    {
        _parents[reference] = parent;
        return this;
    }

    public ForeignKeyParent? Resolve(string reference) => _parents.TryGetValue(reference, out var p) ? p : null;

    /// <summary>Registers the result of a successful declare as a parent (what the runtime does after reading it back).</summary>
    public StubParents AddDeclared(string reference, DeclareResult declared)
    {
        Assert.That(declared.Errors, Is.Empty);
        var lineage = declared.Lineage.ToDictionary(r => r.AttributeName, r => r.Lineage);
        var key = declared.Columns.Where(c => c.InPrimaryKey && !c.IsHidden)
            .Select(c => new ParentKeyAttribute(c.Name, c.SqlType, c.OriginalType, c.Comment, lineage.GetValueOrDefault(c.Name)))
            .ToArray();
        return Add(reference, new ForeignKeyParent(declared.SchemaName, declared.TableName, key));
    }
}
