using System.Globalization;
using System.Net;
using System.Text;
using GraphShape.Algorithms.Layout;
using QuikGraph;

namespace DataJoint.Introspection;

/// <summary>
/// A picture of a schema's tables and foreign keys: Mermaid flowchart text (GitHub and most Markdown viewers render it)
/// or a self-contained SVG. Tables of other schemas that the schema references or that reference it appear in grey.
/// Colours follow DataJoint's diagrams: Manual green, Lookup grey, Imported blue, Computed red, parts small and plain.
/// Solid edges are foreign keys in the primary key, dashed ones are secondary; a renamed foreign key is labelled.
/// </summary>
public static class SchemaDiagram
{
    private sealed record Node(string Id, string Label, TableInfo? Table, bool External);
    private sealed record Link(string From, string To, bool Primary, string? Label);

    private static (List<Node> Nodes, List<Link> Edges) Build(Dependencies graph)
    {
        var root = graph.Root;
        var nodes = new List<Node>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Id(TableInfo t, bool external)
        {
            if (ids.TryGetValue(t.QualifiedName, out var id)) return id;
            id = "t" + ids.Count.ToString(CultureInfo.InvariantCulture);
            ids[t.QualifiedName] = id;
            nodes.Add(new Node(id, external ? t.Database + "." + t.ClassName : t.ClassName, t, external));
            return id;
        }
        var edges = new List<Link>();
        foreach (var t in root.Tables) Id(t, false);
        foreach (var t in root.Tables)
        {
            foreach (var fk in t.Heading.ForeignKeys)
            {
                var parent = graph.Get(TableInfo.Quote(fk.ParentDatabase, fk.ParentTable));
                var primary = fk.Columns.All(c => t.Heading.TryGet(c, out var a) && a.InPrimaryKey);
                var renames = fk.Columns.Zip(fk.ParentColumns).Where(p => p.First != p.Second).Select(p => $"{p.First}={p.Second}").ToList();
                edges.Add(new Link(Id(parent, parent.Database != root.Database), Id(t, false), primary, renames.Count > 0 ? string.Join(", ", renames) : null));
            }
            foreach (var child in graph.Children(t.QualifiedName).Where(c => c.Database != root.Database))
            {
                var fk = child.Heading.ForeignKeys.First(f => f.ParentDatabase == t.Database && f.ParentTable == t.Name);
                edges.Add(new Link(Id(t, false), Id(child, true), fk.Columns.All(c => child.Heading.TryGet(c, out var a) && a.InPrimaryKey), null));
            }
        }
        return (nodes, edges);
    }

    /// <summary>Mermaid flowchart text (<c>flowchart TB</c> or <c>LR</c>, from <c>display.diagram_direction</c>).</summary>
    public static string ToMermaid(Dependencies graph, string direction = "TB")
    {
        ArgumentNullException.ThrowIfNull(graph);
        var (nodes, edges) = Build(graph);
        var sb = new StringBuilder();
        sb.Append("flowchart ").Append(direction == "LR" ? "LR" : "TB").Append('\n');
        foreach (var n in nodes)
        {
            var label = n.Label.Replace("\"", "#quot;", StringComparison.Ordinal);
            sb.Append("    ").Append(n.Id).Append(n.Table?.Tier == TableTier.Lookup ? "[(\"" : "[\"").Append(label)
              .Append(n.Table?.Tier == TableTier.Lookup ? "\")]" : "\"]").Append(":::").Append(Class(n)).Append('\n');
        }
        foreach (var e in edges)
        {
            sb.Append("    ").Append(e.From).Append(e.Primary ? " -->" : " -.->");
            if (e.Label is not null) sb.Append('|').Append(e.Label.Replace("\"", "#quot;", StringComparison.Ordinal)).Append('|');
            sb.Append(' ').Append(e.To).Append('\n');
        }
        sb.Append("    classDef manual fill:#c8e6c9,stroke:#2e7d32\n");
        sb.Append("    classDef lookup fill:#e0e0e0,stroke:#616161\n");
        sb.Append("    classDef imported fill:#bbdefb,stroke:#1565c0\n");
        sb.Append("    classDef computed fill:#ffcdd2,stroke:#c62828\n");
        sb.Append("    classDef part fill:#ffffff,stroke:#9e9e9e,font-size:11px\n");
        sb.Append("    classDef external fill:#f5f5f5,stroke:#bdbdbd,color:#757575,stroke-dasharray:3 3\n");
        return sb.ToString();
    }

    private static string Class(Node n) => n.External ? "external" : n.Table?.Tier switch
    {
        TableTier.Lookup => "lookup",
        TableTier.Imported => "imported",
        TableTier.Computed => "computed",
        TableTier.Part => "part",
        _ => "manual",
    };

    private static (string Fill, string Stroke) Colors(string cls) => cls switch
    {
        "lookup" => ("#e0e0e0", "#616161"),
        "imported" => ("#bbdefb", "#1565c0"),
        "computed" => ("#ffcdd2", "#c62828"),
        "part" => ("#ffffff", "#9e9e9e"),
        "external" => ("#f5f5f5", "#bdbdbd"),
        _ => ("#c8e6c9", "#2e7d32"),
    };

    /// <summary>
    /// A self-contained SVG picture. The layout is GraphShape's Sugiyama layered layout (on a QuikGraph graph): tables in
    /// layers along the direction, crossings reduced, and foreign keys that skip layers routed around the boxes between.
    /// No Graphviz is needed. The same schema always gives the same picture.
    /// </summary>
    public static string ToSvg(Dependencies graph, string direction = "TB")
    {
        ArgumentNullException.ThrowIfNull(graph);
        var (nodes, edges) = Build(graph);
        const double charWidth = 7.2, boxHeight = 30, gapMain = 60, gapCross = 24, margin = 20;
        var horizontal = direction == "LR";
        static double Width(Node n) => Math.Max(60, n.Label.Length * charWidth + 20);

        var layoutGraph = new BidirectionalGraph<string, Edge<string>>(allowParallelEdges: false);
        foreach (var n in nodes) layoutGraph.AddVertex(n.Id);
        foreach (var e in edges)
            if (e.From != e.To && !layoutGraph.ContainsEdge(e.From, e.To)) layoutGraph.AddEdge(new Edge<string>(e.From, e.To));
        var sizes = nodes.ToDictionary(n => n.Id, n => new GraphShape.Size(Width(n), boxHeight));
        var layout = new SugiyamaLayoutAlgorithm<string, Edge<string>, BidirectionalGraph<string, Edge<string>>>(layoutGraph, sizes,
            new SugiyamaLayoutParameters
            {
                Direction = horizontal ? LayoutDirection.LeftToRight : LayoutDirection.TopToBottom,
                LayerGap = gapMain, SliceGap = gapCross, EdgeRouting = SugiyamaEdgeRouting.Traditional,
            })
        { Rand = new Random(0) };
        layout.Compute();

        // GraphShape gives box centres around the origin: shift everything to a margin from the top-left corner.
        var centres = layout.VerticesPositions;
        var minX = nodes.Min(n => centres[n.Id].X - Width(n) / 2);
        var minY = nodes.Min(n => centres[n.Id].Y - boxHeight / 2);
        (double X, double Y) At(GraphShape.Point p) => (p.X - minX + margin, p.Y - minY + margin);
        var pos = nodes.ToDictionary(n => n.Id, n =>
        {
            var (cx, cy) = At(centres[n.Id]);
            var w = Width(n);
            return (X: cx - w / 2, Y: cy - boxHeight / 2, W: w);
        });
        var routes = new Dictionary<(string, string), GraphShape.Point[]>();
        foreach (var (edge, points) in layout.EdgeRoutes)
            if (points is { Length: > 0 }) routes[(edge.Source, edge.Target)] = points;
        var width = pos.Values.Max(p => p.X + p.W) + margin;
        var height = pos.Values.Max(p => p.Y + boxHeight) + margin;

        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(F(width)).Append("\" height=\"").Append(F(height))
          .Append("\" viewBox=\"0 0 ").Append(F(width)).Append(' ').Append(F(height)).Append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("  <title>Schema ").Append(WebUtility.HtmlEncode(graph.Root.Database)).Append("</title>\n");
        sb.Append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
          .Append("<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
        foreach (var e in edges)
        {
            var (fx, fy, fw) = pos[e.From];
            var (tx, ty, tw) = pos[e.To];
            string path;
            (double X, double Y) a, b;
            if (e.From == e.To)
            {
                // A table referencing itself: a loop on its right side.
                a = (fx + fw, fy + 8);
                b = (fx + fw, fy + boxHeight - 8);
                path = $"M {F(a.X)} {F(a.Y)} C {F(a.X + 30)} {F(a.Y - 10)}, {F(b.X + 30)} {F(b.Y + 10)}, {F(b.X)} {F(b.Y)}";
            }
            else
            {
                a = horizontal ? (fx + fw, fy + boxHeight / 2) : (fx + fw / 2, fy + boxHeight);
                b = horizontal ? (tx, ty + boxHeight / 2) : (tx + tw / 2, ty);
                if (routes.TryGetValue((e.From, e.To), out var bends))
                {
                    // A key that skips layers: straight segments through the gaps the layout left for it.
                    path = $"M {F(a.X)} {F(a.Y)}" + string.Concat(bends.Select(p => At(p)).Select(p => $" L {F(p.X)} {F(p.Y)}")) + $" L {F(b.X)} {F(b.Y)}";
                }
                else
                {
                    var mid = horizontal ? (a.X + b.X) / 2 : (a.Y + b.Y) / 2;
                    path = horizontal
                        ? $"M {F(a.X)} {F(a.Y)} C {F(mid)} {F(a.Y)}, {F(mid)} {F(b.Y)}, {F(b.X)} {F(b.Y)}"
                        : $"M {F(a.X)} {F(a.Y)} C {F(a.X)} {F(mid)}, {F(b.X)} {F(mid)}, {F(b.X)} {F(b.Y)}";
                }
            }
            sb.Append("  <path class=\"fk\" d=\"").Append(path).Append("\" fill=\"none\" stroke=\"#555\" marker-end=\"url(#arrow)\"")
              .Append(e.Primary ? "" : " stroke-dasharray=\"5 4\"").Append("/>\n");
            if (e.Label is not null)
                sb.Append("  <text x=\"").Append(F((a.X + b.X) / 2 + 4)).Append("\" y=\"").Append(F((a.Y + b.Y) / 2)).Append("\" fill=\"#e65100\" font-size=\"10\">")
                  .Append(WebUtility.HtmlEncode(e.Label)).Append("</text>\n");
        }
        foreach (var n in nodes)
        {
            var (x, y, w) = pos[n.Id];
            var cls = Class(n);
            var (fill, stroke) = Colors(cls);
            var rx = n.Table?.Tier == TableTier.Lookup ? 12 : 3;
            sb.Append("  <g class=\"table ").Append(cls).Append("\"><rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(w))
              .Append("\" height=\"").Append(F(boxHeight)).Append("\" rx=\"").Append(rx).Append("\" fill=\"").Append(fill).Append("\" stroke=\"").Append(stroke).Append("\"/>")
              .Append("<text x=\"").Append(F(x + w / 2)).Append("\" y=\"").Append(F(y + boxHeight / 2 + 4)).Append("\" text-anchor=\"middle\"")
              .Append(cls == "part" ? " font-size=\"11\"" : "").Append(cls == "external" ? " fill=\"#757575\"" : "").Append('>')
              .Append(WebUtility.HtmlEncode(n.Label)).Append("</text></g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
