using DataJoint.Metadata;

namespace DataJoint.Runtime.Tests.Tables;

/// <summary>A generated table whose attribute <c>key</c> clashes with the generated <c>Key</c> record (property <c>Key_</c>).</summary>
[Table]
public partial class Mapped : Manual
{
    public const string Definition = """
        mapped_id : int32
        ---
        key : varchar(8)
        note = null : varchar(16)
        score = null : float64
        """;
}

/// <summary>
/// The runtime half of the typed mappers (<see cref="TypedMapping{TTable, TRow, TKey}"/> around the generated code): the
/// generated <c>ReadRow</c> reads a fetched row by position, names come from the metadata, and a property maps back to
/// its attribute by the generator's own naming rule. (The data reader path needs a server: TypedTableTests.)
/// </summary>
public class TypedMappingTests
{
    private static readonly RowShape Shape = new(["score", "note", "key", "mapped_id"]);   // a fetch's own column order

    [Test]
    public void MetadataCarriesTheAttributes_KeyFirst_AndTheKeySize()
    {
        var metadata = TableMetadata.Of<Mapped>();
        Assert.That(metadata.Attributes, Is.EqualTo(new[] { "mapped_id", "key", "note", "score" }));
        Assert.That(metadata.KeyCount, Is.EqualTo(1));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.KeyNames, Is.EqualTo(new[] { "mapped_id" }));
    }

    [Test]
    public void ReadRow_FromFetchedRows_FindsEachAttributeWhereverTheFetchPutIt()
    {
        var first = new Row(new RowValues(Shape, [null, "n", "k1", 1]), 0);
        var second = new Row(new RowValues(Shape, [2.5, null, "k2", 2]), 0);
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadRow(first),
            Is.EqualTo(new Mapped.Row { MappedId = 1, Key_ = "k1", Note = "n", Score = null }));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadRow(second),
            Is.EqualTo(new Mapped.Row { MappedId = 2, Key_ = "k2", Note = null, Score = 2.5 }));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadKey(second), Is.EqualTo(new Mapped.Key { MappedId = 2 }));

        var nullKey = new Row(new RowValues(Shape, [null, null, null, 4]), 0);
        Assert.That(Assert.Throws<DataJointException>(() => TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadRow(nullKey))!.Message,
            Is.EqualTo("Attribute `key` is NULL but its typed property is a non-nullable String"));
        var wrongType = new Row(new RowValues(Shape, [null, null, "k", 3L]), 0);
        Assert.That(Assert.Throws<DataJointException>(() => TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadRow(wrongType))!.Message,
            Is.EqualTo("Attribute `mapped_id` holds a Int64, not the Int32 of its typed property"));
    }

    [Test]
    public void ReadKey_NeedsOnlyTheKey_ReadRow_NamesAMissingAttribute()
    {
        var keyOnly = new Row(new RowValues(new RowShape(["mapped_id"]), [5]), 0);
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadKey(keyOnly), Is.EqualTo(new Mapped.Key { MappedId = 5 }));
        var e = Assert.Throws<DataJointException>(() => TypedMapping<Mapped, Mapped.Row, Mapped.Key>.ReadRow(keyOnly));
        Assert.That(e!.Message, Is.EqualTo("`key` is not in the fetched row (mapped_id)"));
    }

    [Test]
    public void Values_InAttributeOrder_AndPropertiesMapBackToTheirAttributes()
    {
        var row = new Mapped.Row { MappedId = 9, Key_ = "k", Note = "n", Score = 1.5 };
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.Values(row), Is.EqualTo(new object?[] { 9, "k", "n", 1.5 }));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.KeyValues(row.ToKey()), Is.EqualTo(new object?[] { 9 }));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.AttributeOf(nameof(Mapped.Row.Key_)), Is.EqualTo("key"));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.AttributeOf(nameof(Mapped.Row.MappedId)), Is.EqualTo("mapped_id"));
        Assert.That(TypedMapping<Mapped, Mapped.Row, Mapped.Key>.AttributeOf("ToKey"), Is.Null);
    }
}
