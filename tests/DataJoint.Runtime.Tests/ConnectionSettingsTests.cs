namespace DataJoint.Runtime.Tests;

public class ConnectionSettingsTests
{
    [Test]
    public void ReadsDataJointEnvironmentVariables()
    {
        var env = new Dictionary<string, string?> { ["DJ_HOST"] = "db.lab", ["DJ_PORT"] = "3307", ["DJ_USER"] = "alice", ["DJ_PASS"] = "s3cret" };
        var s = ConnectionSettings.FromVariables(k => env.GetValueOrDefault(k));
        Assert.That((s.Host, s.Port, s.User, s.Password), Is.EqualTo(("db.lab", 3307, "alice", "s3cret")));
    }

    [Test]
    public void HostMayCarryThePort()
    {
        var s = ConnectionSettings.FromVariables(k => k == "DJ_HOST" ? "10.0.0.5:3310" : null);
        Assert.That((s.Host, s.Port), Is.EqualTo(("10.0.0.5", 3310)));
    }

    [Test]
    public void BadPortIsADataJointErrorNamingTheVariable()
    {
        var ex = Assert.Throws<DataJoint.Settings.SettingsException>(() => ConnectionSettings.FromVariables(k => k == "DJ_PORT" ? "abc" : null));
        Assert.That(ex!.Message, Does.Contain("DJ_PORT").And.Contain("abc"));
    }
}
