namespace DataJoint.Generators.Model
{
    /// <summary>A local [Codec] class as the generator sees it: strings and flags only.</summary>
    internal sealed record CodecModel(
        string MetadataName,
        string Namespace,
        EquatableArray<string> ContainingTypes,
        string ClassName,
        string FullyQualifiedType,
        string Name,
        string? InTable,
        string? InStore,
        string? InTableError,
        string? InStoreError,
        string ValueType,
        string StoredType,
        bool CanGenerate,
        bool CanRegister,
        bool InRuntimeAssembly,
        RecordMapperModel? Mapper,
        SourceSpan? NotPartialLocation);

    /// <summary>A record stored through &lt;blob&gt;: how to turn it into a dict and back.</summary>
    internal sealed record RecordMapperModel(
        string RecordType,
        EquatableArray<RecordPropertyModel> Properties,
        EquatableArray<string> ConstructorParameters);

    /// <summary>One mapped property: name, dict key, type, and whether it is set through the object initializer.</summary>
    internal sealed record RecordPropertyModel(string Name, string Key, string Type, bool InInitializer);

    /// <summary>
    /// A codec from a referenced assembly's manifest (plugins and the runtime's built-ins): what the registry loads and
    /// what definitions need (dtypes per mode, the .NET type of its values, or <c>object</c> when that type is not public).
    /// </summary>
    internal sealed record ReferencedCodecModel(
        string Name, string Assembly, string? AccessibleCodecType, string ValueType,
        string? InTable, string? InStore, string? InTableError, string? InStoreError);

    /// <summary>What the registry needs of a local codec (a projection, so mapper edits do not re-emit the registry).</summary>
    internal sealed record RegistryEntry(
        string Name, string FullyQualifiedType, string ValueType, string StoredType,
        string? InTable, string? InStore, string? InTableError, string? InStoreError, bool CanRegister);

    /// <summary>What the registry file is built from.</summary>
    internal sealed record RegistryModel(EquatableArray<RegistryEntry> Local, EquatableArray<ReferencedCodecModel> Referenced);
}
