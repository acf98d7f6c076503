using System.Collections.Generic;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>A codec type found in a definition: its offset and length in the definition string and its text.</summary>
    internal readonly struct CodecTypeOccurrence
    {
        public CodecTypeOccurrence(int offset, int length, string text)
        {
            Offset = offset;
            Length = length;
            Text = text;
        }

        public int Offset { get; }
        public int Length { get; }
        public string Text { get; }
    }

    /// <summary>
    /// Finds the codec types (<c>&lt;...&gt;</c>) of attribute lines in a table definition: <c>name [= default] : type [# comment]</c>.
    /// Minimal scan (quotes and comments respected); foreign keys, separators and index lines are skipped.
    /// </summary>
    internal static class DefinitionCodecScanner
    {
        public static List<CodecTypeOccurrence> Scan(string definition)
        {
            var result = new List<CodecTypeOccurrence>();
            var pos = 0;
            while (pos <= definition.Length)
            {
                var end = definition.IndexOf('\n', pos);
                if (end < 0) end = definition.Length;
                ScanLine(definition, pos, end, result);
                pos = end + 1;
            }
            return result;
        }

        private static void ScanLine(string s, int start, int end, List<CodecTypeOccurrence> result)
        {
            var i = start;
            while (i < end && char.IsWhiteSpace(s[i])) i++;
            if (i >= end) return;
            var rest = s.Substring(i, end - i).TrimEnd();
            if (rest.StartsWith("#") || rest.StartsWith("->") || rest.StartsWith("---") || rest.StartsWith("___")) return;
            var lower = rest.ToLowerInvariant();
            if (lower.StartsWith("index") || lower.StartsWith("unique index") || lower.StartsWith("unique ")) return;

            // Find the ':' that separates "name [= default]" from the type, outside quotes.
            char quote = '\0';
            var colon = -1;
            for (var k = i; k < end; k++)
            {
                var c = s[k];
                if (quote != '\0')
                {
                    if (c == quote) quote = '\0';
                    continue;
                }
                if (c == '"' || c == '\'') quote = c;
                else if (c == '#') return;
                else if (c == ':')
                {
                    colon = k;
                    break;
                }
            }
            if (colon < 0) return;

            var typeStart = colon + 1;
            while (typeStart < end && char.IsWhiteSpace(s[typeStart])) typeStart++;
            if (typeStart >= end || s[typeStart] != '<') return;
            var close = s.IndexOf('>', typeStart);
            if (close < 0 || close >= end) return;
            var hash = s.IndexOf('#', typeStart);
            if (hash >= 0 && hash < close) return;
            result.Add(new CodecTypeOccurrence(typeStart, close - typeStart + 1, s.Substring(typeStart, close - typeStart + 1)));
        }
    }
}
