using DataJoint.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DataJoint.Generators.Model
{
    /// <summary>A source location as plain data (file path, span, line/column span), so pipeline values never hold a tree.</summary>
    internal sealed record SourceSpan(string Path, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        public static SourceSpan From(Location location)
        {
            var line = location.GetLineSpan();
            return new SourceSpan(line.Path ?? string.Empty, location.SourceSpan.Start, location.SourceSpan.Length,
                line.StartLinePosition.Line, line.StartLinePosition.Character, line.EndLinePosition.Line, line.EndLinePosition.Character);
        }

        public Location ToLocation() => Location.Create(Path, new TextSpan(Start, Length),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
    }

    /// <summary>A diagnostic the generator reports: catalog id, location and message arguments (plain data).</summary>
    internal sealed record DiagnosticInfo(string Id, SourceSpan Location, EquatableArray<string> Arguments)
    {
        public DiagnosticInfo(string id, SourceSpan location, params string[] arguments)
            : this(id, location, new EquatableArray<string>(arguments))
        {
        }

        public Diagnostic ToDiagnostic()
        {
            var args = new object[Arguments.Count];
            for (var i = 0; i < args.Length; i++) args[i] = Arguments[i];
            return Diagnostic.Create(DiagnosticDescriptors.ById(Id), Location.ToLocation(), args);
        }
    }

    /// <summary>
    /// Maps offsets of a definition string onto its C# literal: the literal token's kind, text and position. When the
    /// definition is not one literal (a concatenation, another constant), every span maps to the whole expression.
    /// </summary>
    internal sealed record DefinitionLocator(
        string Path, int TokenStart, int TokenLine, int TokenColumn, int Kind, string? TokenText, int ValueLength, SourceSpan Whole)
    {
        /// <summary>The source span of definition characters [start, start+length); the whole expression when unmappable.</summary>
        public SourceSpan Map(int start, int length)
        {
            if (TokenText == null) return Whole;
            var span = LiteralSpans.MapSpan(Kind, TokenText, ValueLength, start, length);
            if (span == null) return Whole;
            var (sl, sc) = Position(span.Value.Start);
            var (el, ec) = Position(span.Value.End);
            return new SourceSpan(Path, TokenStart + span.Value.Start, span.Value.Length, sl, sc, el, ec);
        }

        private (int Line, int Column) Position(int offset)
        {
            var line = TokenLine;
            var lineStart = -1;
            for (var i = 0; i < offset && i < TokenText!.Length; i++)
            {
                if (TokenText[i] == '\n')
                {
                    line++;
                    lineStart = i;
                }
            }
            return lineStart < 0 ? (line, TokenColumn + offset) : (line, offset - lineStart - 1);
        }
    }
}
