using System.Reflection;
using System.Text.RegularExpressions;
using Apache.Arrow.Ipc;

namespace DataJoint.Samples.Tests;

/// <summary>
/// The QueryAlgebra sample: every operator's rows as printed, checked against the values worked out by hand from the
/// sample's data (subjects 1 mouse F, 2 rat M, 3 mouse M; sessions (1,1) 0.9, (1,2) NULL, (2,1) 0.5; trials (1,1,1) hit
/// 0.31, (1,1,2) miss NULL, (1,1,3) hit 0.42, (1,2,1) hit 0.5, (2,1,1) miss 0.77), the typed rows, the arrays and the
/// Arrow file it writes.
/// </summary>
public class QueryAlgebraTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task Sample_PrintsEveryOperatorsRows_TypedRows_Arrays_AndAnArrowFile(CancellationToken ct)
    {
        var output = await DataJoint.Tests.Tools.SampleRunner.RunTwiceAsync(Assembly.Load("QueryAlgebra"), ct);
        string[] Section(string title)
        {
            var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var start = lines.FindIndex(l => l.StartsWith("== " + title + "    # Python: ", StringComparison.Ordinal));
            Assert.That(start, Is.GreaterThanOrEqualTo(0), $"section '{title}' in:\n{output}");
            return [.. lines.Skip(start + 1).TakeWhile(l => l.StartsWith("   ", StringComparison.Ordinal)).Select(l => l.Trim())];
        }

        Assert.That(Section("mice"), Is.EqualTo(new[] { "subject_id | species | sex", "1 | mouse | F", "3 | mouse | M" }));
        Assert.That(Section("subjects without sessions"), Is.EqualTo(new[] { "subject_id | species | sex", "3 | mouse | M" }));
        Assert.That(Section("sessions with their subject"), Is.EqualTo(new[]
        {
            "subject_id | session_idx | quality | species | sex", "1 | 1 | 0.9 | mouse | F", "1 | 2 | NULL | mouse | F", "2 | 1 | 0.5 | rat | M",
        }));
        Assert.That(Section("renamed and computed"), Is.EqualTo(new[]
        {
            "subject_id | session_idx | q | q2", "1 | 1 | 0.9 | 1.8", "1 | 2 | NULL | NULL", "2 | 1 | 0.5 | 1",
        }));
        Assert.That(Section("trials per subject (every subject kept)"), Is.EqualTo(new[]
        {
            "subject_id | n | hits | mean_rt", "1 | 4 | 3 | 0.41", "2 | 1 | 0 | 0.77", "3 | 0 | NULL | NULL",
        }));
        Assert.That(Section("subjects per species"), Is.EqualTo(new[] { "species | n", "mouse | 2", "rat | 1" }));
        Assert.That(Section("one session's subjects or rats"), Is.EqualTo(new[] { "subject_id", "1", "2" }));
        Assert.That(Section("trials with their session's quality"), Is.EqualTo(new[]
        {
            "subject_id | session_idx | trial_idx | outcome | rt | quality",
            "1 | 1 | 1 | hit | 0.31 | 0.9", "1 | 1 | 2 | miss | NULL | 0.9", "1 | 1 | 3 | hit | 0.42 | 0.9",
            "1 | 2 | 1 | hit | 0.5 | NULL", "2 | 1 | 1 | miss | 0.77 | 0.5",
        }));
        Assert.That(Section("the two slowest trials"), Is.EqualTo(new[]
        {
            "subject_id | session_idx | trial_idx | outcome | rt", "1 | 2 | 1 | hit | 0.5", "2 | 1 | 1 | miss | 0.77",
        }));
        Assert.That(output, Does.Contain("SQL of the aggregation: SELECT `subject_id`,(count(trial_idx)) AS `n` FROM "));
        Assert.That(output, Does.Contain("typed: session (1,1): 3 trials, mean rt 0.365"));
        Assert.That(output, Does.Contain("typed: session (1,2): 1 trials, mean rt 0.5"));
        Assert.That(output, Does.Contain("typed: session (2,1): 1 trials, mean rt 0.77"));
        Assert.That(output, Does.Contain("array: rt = [0.31, NULL, 0.42, 0.5, 0.77], mean of 4 = 0.5"));
        Assert.That(output, Does.Contain("arrays: mean rt per species: mouse 0.41, rat 0.77"));
        Assert.That(output, Does.Contain("arrow: 5 rows; subject_id: int32, session_idx: int16, trial_idx: int32, outcome: utf8, rt: double, quality: double, species: utf8, sex: utf8"));

        var file = Regex.Match(output, @"arrow file: (\S+\.arrow) ").Groups[1].Value;
        try
        {
            await using var stream = File.OpenRead(file);
            using var reader = new ArrowFileReader(stream);
            var batch = await reader.ReadNextRecordBatchAsync(ct);
            Assert.That(batch.Length, Is.EqualTo(5));
            var rt = (Apache.Arrow.DoubleArray)batch.Column("rt");
            Assert.That(Enumerable.Range(0, 5).Select(i => rt.GetValue(i)), Is.EqualTo(new double?[] { 0.31, null, 0.42, 0.5, 0.77 }));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
