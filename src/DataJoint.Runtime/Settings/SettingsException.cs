namespace DataJoint.Settings;

/// <summary>A configuration value is missing, malformed or of the wrong kind; the message names the key and where it came from.</summary>
public sealed class SettingsException : DataJointException
{
    /// <summary>Creates the exception.</summary>
    public SettingsException(string message, Exception? inner = null) : base(message, inner) { }
}
