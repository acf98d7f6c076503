namespace DataJoint.Integration.Tests.Tables.PartModel
{
    [Table]
    public sealed partial class Recording : Manual
    {
        public const string Definition = "recording_id : int32";

        [Table]
        public sealed partial class Channel : Part<Recording>
        {
            public const string Definition = "-> master\nchannel_idx : int16\n---\ngain : float64";
        }
    }

    /// <summary>References the part by its short name, as a definition inside the pipeline would.</summary>
    [Table]
    public sealed partial class ChannelNoise : Computed
    {
        public const string Definition = "-> Channel\n---\nnoise : float64";
    }

    /// <summary>References the part as Master.Part.</summary>
    [Table]
    public sealed partial class ChannelQuality : Computed
    {
        public const string Definition = "-> Recording.Channel\n---\nquality : float64";
    }
}

namespace DataJoint.Integration.Tests.Tables
{
    using DataJoint.Integration.Tests.Tables.PartModel;

    /// <summary>
    /// A part table is found as <c>Master.Part</c> and by its short name, on the typed path (generated classes) as on
    /// the dynamic one, whoever declared it: a class, <c>DeclareAsync</c> with its short name, or DataJoint Python.
    /// </summary>
    public class PartLookupTests : SchemaFixture
    {
        protected override string Purpose => "parts";

        [Test]
        public async Task TypedClasses_ReferencingAPartByShortNameOrMasterDotPart_ResolveTheSameTable()
        {
            var noise = await ChannelNoise.TableAsync(Schema);
            var quality = await ChannelQuality.TableAsync(Schema);
            var channel = await Recording.Channel.TableAsync(Schema);
            Assert.That(await Schema.ListTablesAsync(), Is.EquivalentTo(new[] { "recording", "recording__channel", "__channel_noise", "__channel_quality" }));
            Assert.That(Schema.GetTable("Recording.Channel"), Is.SameAs(Schema.GetTable("Channel")).And.Not.Null);
            Assert.That(noise.Table.PrimaryKey, Is.EqualTo(new[] { "recording_id", "channel_idx" }));
            Assert.That(quality.Table.PrimaryKey, Is.EqualTo(new[] { "recording_id", "channel_idx" }));

            await (await Recording.TableAsync(Schema)).InsertAsync([new Recording.Row { RecordingId = 1 }]);
            await channel.InsertAsync([new Recording.Channel.Row { RecordingId = 1, ChannelIdx = 3, Gain = 0.5 }]);
            await noise.InsertAsync([new ChannelNoise.Row { RecordingId = 1, ChannelIdx = 3, Noise = 0.1 }], new InsertOptions { AllowDirectInsert = true });
            await quality.InsertAsync([new ChannelQuality.Row { RecordingId = 1, ChannelIdx = 3, Quality = 0.9 }], new InsertOptions { AllowDirectInsert = true });
            Assert.That((await noise.Fetch1Async()).Noise, Is.EqualTo(0.1));
            Assert.That((await quality.Fetch1Async()).Quality, Is.EqualTo(0.9));
        }

        [Test]
        public async Task APartDeclaredByItsShortName_IsOpenedByTheTypedClass()
        {
            await Schema.DeclareAsync("Recording", TableTier.Manual, Recording.Definition);
            var declared = await Schema.DeclareAsync("Channel", TableTier.Part, Recording.Channel.Definition, masterClassName: "Recording");
            Assert.That(declared.Name, Is.EqualTo("recording__channel"));
            Assert.That(Schema.GetTable("Recording.Channel"), Is.SameAs(declared));
            Assert.That(Schema.GetTable("Channel"), Is.SameAs(declared));

            var typed = await Recording.Channel.TableAsync(Schema);
            Assert.That(typed.Table.Name, Is.EqualTo("recording__channel"));
            var noise = await ChannelNoise.TableAsync(Schema);
            Assert.That(noise.Table.TableHeading.ForeignKeys.Single().ParentTable, Is.EqualTo("recording__channel"));
            Assert.That(await Schema.ListTablesAsync(), Is.EquivalentTo(new[] { "recording", "recording__channel", "__channel_noise" }));
        }

        [Test]
        public async Task APythonMadePart_IsFoundByMasterDotPartAndShortName_FromAFreshSchemaObject()
        {
            // Declared through one schema object (as Python would have), then used from a fresh one that knows nothing.
            await Schema.DeclareAsync("Recording", TableTier.Manual, Recording.Definition);
            await Schema.DeclareAsync("Channel", TableTier.Part, Recording.Channel.Definition, masterClassName: "Recording");
            var fresh = await Schema.OpenAsync(Connection, Schema.Database);
            Assert.That((await fresh.OpenTableAsync("Recording.Channel")).Name, Is.EqualTo("recording__channel"));
            Assert.That((await fresh.OpenTableAsync("Channel")).Name, Is.EqualTo("recording__channel"));

            var writer = await Schema.ActivateAsync(Connection, Schema.Database);
            var byMasterPart = await writer.DeclareAsync("ChannelQuality", TableTier.Computed, "-> Recording.Channel\n---\nquality : float64");
            Assert.That(byMasterPart.TableHeading.ForeignKeys.Single().ParentTable, Is.EqualTo("recording__channel"));
            var byShortName = await (await Schema.ActivateAsync(Connection, Schema.Database))
                .DeclareAsync("ChannelNoise", TableTier.Computed, "-> Channel\n---\nnoise : float64");
            Assert.That(byShortName.TableHeading.ForeignKeys.Single().ParentTable, Is.EqualTo("recording__channel"));

            // The typed classes open what is there.
            var typed = await ChannelQuality.TableAsync(await Schema.OpenAsync(Connection, Schema.Database));
            Assert.That(typed.Table.Name, Is.EqualTo("__channel_quality"));
        }
    }
}
