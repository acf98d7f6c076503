namespace DataJoint.Runtime.Tests.Populate;

/// <summary>How a failed make is written to the job table: Python's message format and truncation (spec §3.5, §9 case 24).</summary>
public class JobTextTests
{
    private sealed class SilentException() : Exception("");

    [Test]
    public void Message_IsTypeColonMessage_OrTheTypeAloneWhenEmpty()
    {
        Assert.That(MakeErrors.Message(new InvalidOperationException("boom")), Is.EqualTo("InvalidOperationException: boom"));
        Assert.That(MakeErrors.Message(new SilentException()), Is.EqualTo("SilentException"));
    }

    [Test]
    public void Stack_HoldsTypeMessageAndInnerExceptions()
    {
        Exception thrown;
        try { throw new ArgumentException("outer", new FormatException("inner")); }
        catch (Exception ex) { thrown = ex; }
        var stack = MakeErrors.Stack(thrown);
        Assert.That(stack, Does.StartWith("System.ArgumentException: outer"));
        Assert.That(stack, Does.Contain("System.FormatException: inner").And.Contain(nameof(Stack_HoldsTypeMessageAndInnerExceptions)));
    }

    [TestCase(0)]
    [TestCase(2047)]
    public void Truncation_LeavesMessagesUpTo2047Alone(int length)
    {
        var m = new string('x', length);
        Assert.That(JobTable.TruncateErrorMessage(m), Is.SameAs(m));
    }

    [Test]
    public void Truncation_KeepsTheFirst2035CharactersAndAppendsTheMarker()
    {
        var m = "ValueError: " + new string('y', 3000);
        var t = JobTable.TruncateErrorMessage(m);
        Assert.That(t, Has.Length.EqualTo(2047));
        Assert.That(t, Is.EqualTo(m[..2035] + "...truncated"));
    }
}
