using DataJoint.Shared.Codecs;

namespace DataJoint.Runtime.Tests.CodecTests;

/// <summary>"Did you mean" ranks by an edit distance in which swapping two adjacent letters is one edit.</summary>
public class SuggestionTests
{
    [TestCase("tp", new[] { "npy", "pt", "blob" }, "pt")]
    [TestCase("bolb", new[] { "blob", "bool", "attach" }, "blob")]
    [TestCase("grpah", new[] { "graph", "hash" }, "graph")]
    [TestCase("blobb", new[] { "blob", "object" }, "blob")]
    [TestCase("zzzzzz", new[] { "blob", "npy" }, null)]
    public void Suggest_CountsATranspositionAsOneEdit(string typed, string[] known, string? expected) =>
        Assert.That(ChainResolver.Suggest(typed, known), Is.EqualTo(expected));

    [TestCase("ab", "ba", 1)]
    [TestCase("tp", "npy", 2)]
    [TestCase("abc", "abc", 0)]
    [TestCase("kitten", "sitting", 3)]
    [TestCase("", "abc", 3)]
    public void Distance_IsOptimalStringAlignment(string a, string b, int expected) =>
        Assert.That(ChainResolver.Distance(a, b), Is.EqualTo(expected));
}
