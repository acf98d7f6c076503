using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>
    /// Maps offsets in a string literal's value to source spans: regular ("..." with escapes), verbatim (@"..."),
    /// single-line raw ("""...""") and multi-line raw literals (indentation of the closing line removed).
    /// Checked against the token's value length; on any doubt the caller falls back to the whole literal.
    /// </summary>
    internal static class LiteralSpans
    {
        /// <summary>The source location of value characters [start, start+length) of <paramref name="token"/>, or null.</summary>
        public static Location? Map(SyntaxToken token, int start, int length)
        {
            var span = MapSpan((int)token.Kind(), token.Text, token.ValueText.Length, start, length);
            return span.HasValue ? Location.Create(token.SyntaxTree!, new TextSpan(token.SpanStart + span.Value.Start, span.Value.Length)) : null;
        }

        /// <summary>
        /// The span, relative to the token's first character, of value characters [start, start+length) of a literal
        /// token of kind <paramref name="kind"/> (a <see cref="SyntaxKind"/>) written as <paramref name="text"/> whose
        /// value has <paramref name="valueLength"/> characters; null when the text cannot be mapped with certainty.
        /// </summary>
        public static TextSpan? MapSpan(int kind, string text, int valueLength, int start, int length)
        {
            try
            {
                var map = Build((SyntaxKind)kind, text);
                if (map == null || map.Starts.Count != valueLength) return null;
                if (start < 0 || length < 0 || start + length > map.Starts.Count) return null;
                int from, to;
                if (length == 0)
                {
                    from = to = start < map.Starts.Count ? map.Starts[start] : map.End;
                }
                else
                {
                    from = map.Starts[start];
                    to = map.Ends[start + length - 1];
                }
                if (from < 0 || to > text.Length || to < from) return null;
                return new TextSpan(from, to - from);
            }
            catch (Exception e) when (e is ArgumentException || e is IndexOutOfRangeException || e is FormatException)
            {
                return null;
            }
        }

        private sealed class CharMap
        {
            public readonly List<int> Starts = new List<int>();
            public readonly List<int> Ends = new List<int>();
            public int End;

            public void Add(int start, int end)
            {
                Starts.Add(start);
                Ends.Add(end);
            }
        }

        private static CharMap? Build(SyntaxKind kind, string text)
        {
            switch (kind)
            {
                case SyntaxKind.StringLiteralToken:
                    return text.StartsWith("@", StringComparison.Ordinal) ? Verbatim(text) : Regular(text);
                case SyntaxKind.SingleLineRawStringLiteralToken:
                    return SingleLineRaw(text);
                case SyntaxKind.MultiLineRawStringLiteralToken:
                    return MultiLineRaw(text);
                default:
                    return null;
            }
        }

        private static CharMap Regular(string text)
        {
            var m = new CharMap();
            var i = 1;
            var end = text.Length - 1;
            while (i < end)
            {
                if (text[i] != '\\')
                {
                    m.Add(i, i + 1);
                    i++;
                    continue;
                }
                var kind = text[i + 1];
                int len;
                var produced = 1;
                if (kind == 'x')
                {
                    len = 2;
                    while (len < 6 && i + len < end && Uri.IsHexDigit(text[i + len])) len++;
                }
                else if (kind == 'u')
                {
                    len = 6;
                }
                else if (kind == 'U')
                {
                    len = 10;
                    var cp = int.Parse(text.Substring(i + 2, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (cp > 0xFFFF) produced = 2;
                }
                else
                {
                    len = 2;
                }
                for (var k = 0; k < produced; k++) m.Add(i, i + len);
                i += len;
            }
            m.End = end;
            return m;
        }

        private static CharMap Verbatim(string text)
        {
            var m = new CharMap();
            var i = 2;
            var end = text.Length - 1;
            while (i < end)
            {
                if (text[i] == '"')
                {
                    m.Add(i, i + 2);
                    i += 2;
                }
                else
                {
                    m.Add(i, i + 1);
                    i++;
                }
            }
            m.End = end;
            return m;
        }

        private static int QuoteRun(string text)
        {
            var q = 0;
            while (q < text.Length && text[q] == '"') q++;
            return q;
        }

        private static CharMap SingleLineRaw(string text)
        {
            var m = new CharMap();
            var q = QuoteRun(text);
            for (var i = q; i < text.Length - q; i++) m.Add(i, i + 1);
            m.End = text.Length - q;
            return m;
        }

        private static CharMap? MultiLineRaw(string text)
        {
            // Split into lines, keeping each line's start offset and its line-break text.
            var lines = new List<(int Start, int Length, int BreakLength)>();
            var pos = 0;
            while (pos <= text.Length)
            {
                var i = pos;
                while (i < text.Length && text[i] != '\r' && text[i] != '\n') i++;
                var brk = 0;
                if (i < text.Length) brk = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                lines.Add((pos, i - pos, brk));
                if (brk == 0) break;
                pos = i + brk;
            }
            if (lines.Count < 3) return null;
            var last = lines[lines.Count - 1];
            var indent = 0;
            while (indent < last.Length && (text[last.Start + indent] == ' ' || text[last.Start + indent] == '\t')) indent++;

            var m = new CharMap();
            for (var li = 1; li < lines.Count - 1; li++)
            {
                var line = lines[li];
                var skip = Math.Min(indent, line.Length);
                for (var c = line.Start + skip; c < line.Start + line.Length; c++) m.Add(c, c + 1);
                if (li < lines.Count - 2)
                {
                    var b = line.Start + line.Length;
                    for (var k = 0; k < line.BreakLength; k++) m.Add(b + k, b + k + 1);
                }
            }
            var lastContent = lines[lines.Count - 2];
            m.End = lastContent.Start + lastContent.Length;
            return m;
        }
    }
}
