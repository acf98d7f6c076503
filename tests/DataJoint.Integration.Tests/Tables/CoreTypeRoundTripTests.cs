using System.Text.Json;

namespace DataJoint.Integration.Tests.Tables;

/// <summary>Every core type goes in and comes back as the documented .NET type and value, including NULLs and extremes.</summary>
public class CoreTypeRoundTripTests : SchemaFixture
{
    protected override string Purpose => "coretypes";

    private const string Definition = """
        # every core type
        id : int32
        ---
        i8 = null : int8
        i16 = null : int16
        i32 = null : int32
        i64 = null : int64
        f32 = null : float32
        f64 = null : float64
        flag = null : bool
        uid = null : uuid
        doc = null : json
        raw = null : bytes
        day = null : date
        moment = null : datetime(6)
        code = null : char(3)
        label = null : varchar(16)
        color = null : enum('red','green','blue')
        amount = null : decimal(10,3)
        """;

    [Test]
    public async Task AllCoreTypes_RoundTrip_WithExtremesUnicodeAndNulls()
    {
        var t = await Schema.DeclareAsync("AllTypes", TableTier.Manual, Definition);
        var uid = Guid.Parse("12345678-1234-5678-1234-567812345678");
        await t.InsertAsync(new object[]
        {
            new
            {
                id = 1, i8 = sbyte.MinValue, i16 = short.MinValue, i32 = int.MinValue, i64 = long.MinValue,
                f32 = float.MaxValue, f64 = double.Epsilon, flag = true, uid,
                doc = JsonDocument.Parse("""{"a": [1, 2.5, "x"], "b": null}""").RootElement,
                raw = new byte[] { 0, 1, 2, 255 }, day = new DateOnly(1000, 1, 1),
                moment = new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(60), code = "äöü", label = "Ünïcødé 🐭 mouse",
                color = "green", amount = -9_999_999.999m,
            },
            new
            {
                id = 2, i8 = sbyte.MaxValue, i16 = short.MaxValue, i32 = int.MaxValue, i64 = long.MaxValue,
                f32 = -1.5f, f64 = double.MaxValue, flag = false, uid = Guid.Empty,
                doc = JsonDocument.Parse("[]").RootElement,
                raw = Array.Empty<byte>(), day = new DateOnly(9999, 12, 31),
                moment = new DateTime(9999, 12, 31, 23, 59, 59), code = "abc", label = "",
                color = "blue", amount = 9_999_999.999m,
            },
        });
        await t.Insert1Async(new Dictionary<string, object?> { ["id"] = 3 });

        var rows = await t.FetchAsync(new FetchOptions { OrderBy = ["id"] });
        Assert.That(rows, Has.Count.EqualTo(3));
        var r1 = rows[0];
        Assert.Multiple(() =>
        {
            Assert.That(r1["i8"], Is.EqualTo(sbyte.MinValue).And.TypeOf<sbyte>());
            Assert.That(r1["i16"], Is.EqualTo(short.MinValue).And.TypeOf<short>());
            Assert.That(r1["i32"], Is.EqualTo(int.MinValue).And.TypeOf<int>());
            Assert.That(r1["i64"], Is.EqualTo(long.MinValue).And.TypeOf<long>());
            Assert.That(r1["f32"], Is.EqualTo(float.MaxValue).And.TypeOf<float>());
            Assert.That(r1["f64"], Is.EqualTo(double.Epsilon).And.TypeOf<double>());
            Assert.That(r1["flag"], Is.EqualTo(true).And.TypeOf<bool>());
            Assert.That(r1["uid"], Is.EqualTo(uid).And.TypeOf<Guid>());
            Assert.That(r1["doc"], Is.TypeOf<JsonElement>());
            Assert.That(((JsonElement)r1["doc"]!).GetProperty("a")[1].GetDouble(), Is.EqualTo(2.5));
            Assert.That(((JsonElement)r1["doc"]!).GetProperty("a")[2].GetString(), Is.EqualTo("x"));
            Assert.That(((JsonElement)r1["doc"]!).GetProperty("b").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(r1["raw"], Is.EqualTo(new byte[] { 0, 1, 2, 255 }));
            Assert.That(r1["day"], Is.EqualTo(new DateOnly(1000, 1, 1)).And.TypeOf<DateOnly>());
            Assert.That(r1["moment"], Is.EqualTo(new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(60)).And.TypeOf<DateTime>());
            Assert.That(r1["code"], Is.EqualTo("äöü"));
            Assert.That(r1["label"], Is.EqualTo("Ünïcødé 🐭 mouse"));
            Assert.That(r1["color"], Is.EqualTo("green"));
            Assert.That(r1["amount"], Is.EqualTo(-9_999_999.999m).And.TypeOf<decimal>());
        });
        var r2 = rows[1];
        Assert.Multiple(() =>
        {
            Assert.That(r2["i8"], Is.EqualTo(sbyte.MaxValue));
            Assert.That(r2["i64"], Is.EqualTo(long.MaxValue));
            Assert.That(r2["f64"], Is.EqualTo(double.MaxValue));
            Assert.That(r2["flag"], Is.EqualTo(false));
            Assert.That(r2["uid"], Is.EqualTo(Guid.Empty));
            Assert.That(((JsonElement)r2["doc"]!).GetArrayLength(), Is.Zero);
            Assert.That(r2["raw"], Is.EqualTo(Array.Empty<byte>()));
            Assert.That(r2["day"], Is.EqualTo(new DateOnly(9999, 12, 31)));
            Assert.That(r2["label"], Is.EqualTo(""));
            Assert.That(r2["amount"], Is.EqualTo(9_999_999.999m));
        });
        var r3 = rows[2];
        Assert.That(r3.Keys, Is.EqualTo(new[] { "id", "i8", "i16", "i32", "i64", "f32", "f64", "flag", "uid", "doc", "raw", "day", "moment", "code", "label", "color", "amount" }));
        Assert.That(r3.Where(kv => kv.Key != "id").Select(kv => kv.Value), Is.All.Null);
    }

    [Test]
    public async Task Uuid_IsStoredAsRfcBigEndianBytes_AndRestrictsByBinaryValue()
    {
        var t = await Schema.DeclareAsync("Item", TableTier.Manual, "item : uuid\n---\nname : varchar(8)");
        var uid = Guid.Parse("12345678-1234-5678-1234-567812345678");
        var other = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        await t.InsertAsync(new[] { new { item = uid, name = "a" }, new { item = other, name = "b" } });

        var raw = await QueryAsync($"SELECT HEX(`item`) FROM `{Schema.Database}`.`item` WHERE `name` = 'b'");
        Assert.That(raw[0][0], Is.EqualTo("00112233445566778899AABBCCDDEEFF"));
        var raw1 = await QueryAsync($"SELECT `item` FROM `{Schema.Database}`.`item` WHERE `name` = 'a'");
        Assert.That(raw1[0][0], Is.EqualTo(new byte[] { 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78 }));

        Assert.That(await t.Restrict(new { item = other }).Fetch1Async<string>("name"), Is.EqualTo("b"));
        Assert.That(await t.Restrict(new Dictionary<string, object?> { ["item"] = "12345678-1234-5678-1234-567812345678" }).Fetch1Async<string>("name"), Is.EqualTo("a"));
        Assert.That(await t.Restrict(new SqlCondition("item = ?", other)).Fetch1Async<string>("name"), Is.EqualTo("b"));
    }
}
