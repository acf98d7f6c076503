namespace DataJoint.Settings;

/// <summary>The <c>display</c> section (previews and diagrams). Defaults are DataJoint Python's.</summary>
public sealed record DisplaySettings
{
    internal static readonly string[] Keys = ["limit", "width", "show_tuple_count", "diagram_direction", "diagram_theme"];

    /// <summary><c>display.limit</c>: rows shown in a preview (default 12).</summary>
    public int Limit { get; init; } = 12;
    /// <summary><c>display.width</c>: column width of a preview (default 14).</summary>
    public int Width { get; init; } = 14;
    /// <summary><c>display.show_tuple_count</c> (default true).</summary>
    public bool ShowTupleCount { get; init; } = true;
    /// <summary><c>display.diagram_direction</c> (<c>DJ_DIAGRAM_DIRECTION</c>): <c>TB</c> (top to bottom, the default) or <c>LR</c>.</summary>
    public string DiagramDirection { get; init; } = "TB";
    /// <summary><c>display.diagram_theme</c> (<c>DJ_DIAGRAM_THEME</c>); null when unset.</summary>
    public string? DiagramTheme { get; init; }

    internal static DisplaySettings From(SettingValues v)
    {
        var d = new DisplaySettings();
        return new DisplaySettings
        {
            Limit = v.GetInt("display.limit", min: 0) ?? d.Limit,
            Width = v.GetInt("display.width", min: 0) ?? d.Width,
            ShowTupleCount = v.GetBool("display.show_tuple_count") ?? d.ShowTupleCount,
            DiagramDirection = v.GetChoice("display.diagram_direction", "TB", "LR") ?? d.DiagramDirection,
            DiagramTheme = v.GetString("display.diagram_theme"),
        };
    }
}
