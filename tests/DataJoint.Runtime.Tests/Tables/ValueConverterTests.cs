namespace DataJoint.Runtime.Tests.Tables;

/// <summary>Insert values are checked against the column and converted to what the server gets (no server needed).</summary>
public class ValueConverterTests
{
    private static HeadingAttribute Col(string sqlType, string marker, bool nullable = false, string? def = null) =>
        HeadingAttribute.FromColumn("`db`.`t`", "a", sqlType, nullable, def, "", marker, false);

    private static string Reject(HeadingAttribute a, object? value) =>
        Assert.Throws<DataJointException>(() => ValueConverter.ToDb(a, value, "`db`.`t`"))!.Message;

    [Test]
    public void Strings_CountCharactersNotUtf16Units_AndEnumsAreCanonicalized()
    {
        var v = Col("varchar(3)", ":varchar(3):");
        Assert.That(ValueConverter.ToDb(v, "🐭🐭🐭", "t"), Is.EqualTo("🐭🐭🐭"));
        Assert.That(Reject(v, "abcd"), Is.EqualTo("Attribute `a` (varchar(3)) of table `db`.`t` is varchar(3) and the string has 4 characters; got String \"abcd\"."));
        var e = Col("enum('Red','Green')", ":enum('Red','Green'):");
        Assert.That(ValueConverter.ToDb(e, "red", "t"), Is.EqualTo("Red"));
        Assert.That(Reject(e, "blue"), Does.Contain("value 'blue' is not one of the enum values ('Red', 'Green')"));
    }

    [Test]
    public void Numbers_RangeNaNInfinityAndDecimalDigits()
    {
        Assert.That(Reject(Col("tinyint", ":int8:"), 200), Does.Contain("out of range [-128, 127]"));
        Assert.That(ValueConverter.ToDb(Col("tinyint", ":int8:"), 100L, "t"), Is.EqualTo((sbyte)100));
        Assert.That(Reject(Col("double", ":float64:"), double.PositiveInfinity), Does.Contain("cannot store infinity"));
        Assert.That(Reject(Col("double", ":float64:"), double.NaN), Does.Contain("is NOT NULL and cannot store NaN"));
        Assert.That(ValueConverter.ToDb(Col("double", ":float64:", nullable: true), double.NaN, "t"), Is.SameAs(SqlDefault.Instance));
        Assert.That(Reject(Col("float", ":float32:"), 1e39), Does.Contain("out of range for float32"));
        Assert.That(Reject(Col("decimal(4,2)", ":decimal(4,2):"), 123.4m), Does.Contain("does not fit decimal(4,2)"));
        Assert.That(ValueConverter.ToDb(Col("decimal(4,2)", ":decimal(4,2):"), 99.99m, "t"), Is.EqualTo(99.99m));
        Assert.That(ValueConverter.ToDb(Col("tinyint", ":bool:"), true, "t"), Is.EqualTo((sbyte)1));
        Assert.That(Reject(Col("tinyint", ":bool:"), 2), Does.Contain("out of range [0, 1]"));
        Assert.That(Reject(Col("int", ":int32:"), 1.0), Does.Contain("expects an integer; got Double 1"));
    }

    [Test]
    public void OtherKinds_TypeChecks()
    {
        Assert.That(Reject(Col("date", ":date:"), new DateTime(2024, 1, 2, 3, 0, 0)), Does.Contain("expects a date without time of day"));
        Assert.That(ValueConverter.ToDb(Col("date", ":date:"), new DateTime(2024, 1, 2), "t"), Is.EqualTo(new DateOnly(2024, 1, 2)));
        Assert.That(Reject(Col("longblob", ":bytes:"), "text"), Does.Contain("expects a byte[]"));
        Assert.That(Reject(Col("blob", "native"), new byte[70_000]), Does.Contain("holds at most 65535 bytes"));
        Assert.That(ValueConverter.ToDb(Col("longtext", ":json:"), new { a = 1, b = new[] { "x" } }, "t"), Is.EqualTo("""{"a":1,"b":["x"]}"""));
        Assert.That(ValueConverter.ToDb(Col("binary(16)", ":uuid:"), Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "t"),
            Is.EqualTo(Convert.FromHexString("00112233445566778899AABBCCDDEEFF")));
        Assert.That(Reject(Col("int", ":int32:"), null), Does.Contain("cannot be null: it is NOT NULL and has no default"));
        Assert.That(ValueConverter.ToDb(Col("int", ":int32:", def: "5"), null, "t"), Is.SameAs(SqlDefault.Instance));
    }
}
