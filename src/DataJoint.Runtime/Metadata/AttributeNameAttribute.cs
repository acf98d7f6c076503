namespace DataJoint.Metadata;

/// <summary>The SQL attribute name of a generated <c>Row</c>/<c>Key</c> property.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class AttributeNameAttribute(string name) : Attribute
{
    /// <summary>The attribute name in the table heading (snake_case).</summary>
    public string Name { get; } = name;
}

