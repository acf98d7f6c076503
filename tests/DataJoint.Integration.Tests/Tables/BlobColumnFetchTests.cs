namespace DataJoint.Integration.Tests.Tables.BlobColumns
{
    /// <summary>A <c>&lt;blob&gt;</c> column that may be NULL (its values are read from the reader's row, in place).</summary>
    [Table]
    public partial class Series : Manual
    {
        public const string Definition = """
            series_id : int32
            ---
            samples = null : <blob>
            """;
    }
}

namespace DataJoint.Integration.Tests.Tables
{
    using DataJoint.Integration.Tests.Tables.BlobColumns;

    /// <summary>
    /// A fetch decodes a <c>&lt;blob&gt;</c> column from one buffer it reuses from row to row (no array per value): values
    /// that grow and shrink, NULL, compressed and uncompressed, read back the same through every fetch path, and a
    /// corrupt stored value fails the same way in the dynamic and the typed fetch.
    /// </summary>
    public class BlobColumnFetchTests : SchemaFixture
    {
        protected override string Purpose => "blobcol";

        private static readonly Dictionary<int, object?> Values = new()
        {
            [1] = new[] { 1.0, 2.5, -3.25 },
            [2] = Enumerable.Range(0, 50_000).Select(i => Math.Sin(i) * 1e6 + i).ToArray(), // ~400 KB, stays uncompressed
            [3] = null,
            [4] = "a short string",
            [5] = new double[100_000],                                                     // 800 KB of zeros: stored compressed
            [6] = new[] { 7, 8 },
            [7] = new Dictionary<string, object?> { ["name"] = "probe", ["gain"] = 2.0 },
        };

        private static void AssertValue(int id, object? actual)
        {
            var expected = Values[id];
            if (expected is Dictionary<string, object?> dict)
            {
                var back = (IReadOnlyDictionary<string, object?>)actual!;
                Assert.That(back["name"], Is.EqualTo(dict["name"]), $"row {id}");
                Assert.That(back["gain"], Is.EqualTo(dict["gain"]), $"row {id}");
                return;
            }
            Assert.That(actual is BlobArray array ? array.GetData() : actual, Is.EqualTo(expected), $"row {id}");
        }

        private async Task<TypedTable<Series, Series.Row, Series.Key>> FilledAsync()
        {
            var series = await Series.TableAsync(Schema);
            await series.Table.InsertAsync(Values.Select(p => new Dictionary<string, object?> { ["series_id"] = p.Key, ["samples"] = p.Value }));
            return series;
        }

        [Test]
        public async Task ValuesOfEverySize_AndNull_ReadBackThroughEveryFetchPath()
        {
            var series = await FilledAsync();
            Assert.That(new FetchColumns(series.Table, ["series_id", "samples"], null).InPlace, Is.EqualTo(new[] { false, true }),
                "the <blob> column is decoded from the reader's bytes");
            var stored = await QueryAsync($"SELECT series_id, LENGTH(samples), HEX(LEFT(samples, 4)) FROM `{Schema.Database}`.`series` WHERE series_id IN (2, 5)");
            Assert.That(stored.Select(r => (int)r[0]! == 5 ? (string)r[2]! : "plain"), Is.EqualTo(new[] { "plain", "5A4C3132" }),
                "row 5 is stored compressed (ZL123), row 2 not: both kinds are read");

            foreach (var row in await series.Table.FetchAsync()) AssertValue((int)row["series_id"]!, row["samples"]);
            await foreach (var row in series.Table.StreamAsync()) AssertValue((int)row["series_id"]!, row["samples"]);
            foreach (var id in Values.Keys) AssertValue(id, (await (series.Table & new { series_id = id }).Fetch1Async())["samples"]);

            var typed = await series.FetchAsync();
            Assert.That(typed, Has.Count.EqualTo(Values.Count));
            foreach (var row in typed) AssertValue(row.SeriesId, row.Samples);
            await foreach (var row in series.StreamAsync()) AssertValue(row.SeriesId, row.Samples);
            AssertValue(6, await series.Restrict(new Series.Key { SeriesId = 6 }).Fetch1Async(r => r.Samples));
        }

        [Test]
        public async Task ACorruptStoredValue_FailsTheSameWay_InTheDynamicAndTheTypedFetch()
        {
            var series = await FilledAsync();
            // a blob header that promises a 3x1 double array and ends after its shape
            await ExecAsync($"UPDATE `{Schema.Database}`.`series` SET samples = X'6D596D00410200000000000000030000000000000001000000000000000600000000' WHERE series_id = 6");

            var dynamic = await Assert.CatchAsync<DataJointException>(() => series.Table.FetchAsync());
            var typed = await Assert.CatchAsync<DataJointException>(() => series.FetchAsync());
            foreach (var ex in new[] { dynamic!, typed! })
            {
                Assert.That((ex.Schema, ex.Table, ex.Attribute), Is.EqualTo((Schema.Database, "series", "samples")), ex.Message);
                Assert.That(ex.Message, Does.Contain("Attribute 'samples'"));
            }
            Assert.That(typed!.GetType(), Is.EqualTo(dynamic!.GetType()));
            Assert.That(typed.Message, Is.EqualTo(dynamic.Message));
            AssertValue(1, (await (series.Table & new { series_id = 1 }).Fetch1Async())["samples"]);
        }
    }
}
