namespace DataJoint.Runtime.Tests.Tables;

/// <summary>Reading a column back (spec §2.7): comment markers decide type, codec, store; hidden columns are hidden.</summary>
public class HeadingTests
{
    private static HeadingAttribute Read(string sqlType, string comment, bool pk = false, string name = "a") =>
        HeadingAttribute.FromColumn("`db`.`t`", name, sqlType, false, null, "", comment, pk);

    [Test]
    public void Markers_GiveCoreTypeCodecStoreAndUserComment()
    {
        var blob = Read("longtext", ":<blob@main>:raw data");
        Assert.That((blob.Codec, blob.CodecName, blob.Store, blob.Comment, blob.Kind),
            Is.EqualTo(("<blob@main>", "blob", "main", "raw data", AttributeKind.Json)));
        var bare = Read("json", ":<blob@>:");
        Assert.That((bare.Store, bare.Kind), Is.EqualTo(("", AttributeKind.Json)));
        var i = Read("int(11)", ":int32:id");
        Assert.That((i.SqlType, i.Type, i.Kind, i.Comment), Is.EqualTo(("int", "int32", AttributeKind.Int32, "id")));
        Assert.That(Read("tinyint(4)", ":bool:").Kind, Is.EqualTo(AttributeKind.Bool));
        Assert.That(Read("tinyint(4)", ":int8:").Kind, Is.EqualTo(AttributeKind.Int8));
        Assert.That(Read("longtext", ":json:").Kind, Is.EqualTo(AttributeKind.Json));
        Assert.That(Read("binary(16)", ":uuid:").Kind, Is.EqualTo(AttributeKind.Uuid));
        Assert.That(Read("binary(16)", "fk comment").Kind, Is.EqualTo(AttributeKind.Bytes));
        var alias = Read("int(10) unsigned", ":uint32:x");
        Assert.That((alias.Type, alias.Kind, alias.SqlType), Is.EqualTo(("uint32", AttributeKind.UInt32, "int unsigned")));
        var plain = Read("varchar(16)", "just a comment: with colon");
        Assert.That((plain.OriginalType, plain.Comment, plain.MaxLength), Is.EqualTo(((string?)null, "just a comment: with colon", (long?)16)));
        var e = Read("enum('a','it''s')", ":enum('a','it''s'):");
        Assert.That(e.EnumValues, Is.EqualTo(new[] { "a", "it's" }));
        Assert.That(Read("decimal(8,2)", ":decimal(8,2):").DecimalSize, Is.EqualTo((8, 2)));
    }

    [Test]
    public void Errors_LegacyExternalAndBlobInKey()
    {
        var legacy = Assert.Throws<DataJointException>(() => Read("binary(16)", ":external-raw:"));
        Assert.That(legacy!.Message, Does.StartWith("Legacy datatype `external-raw`. See migration guide: https://docs.datajoint.com/how-to/migrate-to-v20/"));
        var key = Assert.Throws<DataJointException>(() => Read("longblob", ":bytes:", pk: true));
        Assert.That(key!.Message, Does.StartWith("Blob or JSON attributes are not allowed in the primary key"));
    }

    [Test]
    public void HiddenColumns_StayOutOfTheVisibleHeading()
    {
        var h = new Heading(new[]
        {
            HeadingAttribute.FromColumn("t", "_singleton", "tinyint(4)", false, "1", "", ":bool:singleton primary key", true),
            HeadingAttribute.FromColumn("t", "x", "int", false, null, "", ":int32:", false),
        });
        Assert.That(h.Names, Is.EqualTo(new[] { "x" }));
        Assert.That(h.PrimaryKey, Is.Empty);
        Assert.That(h.AllAttributes, Has.Count.EqualTo(2));
    }
}
