// The names of a generated Row/Key record's properties, from the table's attribute names. The generator names the
// properties with it, and the runtime maps a property back to its attribute with it (no per-table map is emitted).
using System;
using System.Collections.Generic;
using System.Text;

namespace DataJoint.Definitions
{
    /// <summary>Attribute name → generated property name, shared by the generator and the runtime.</summary>
    internal static class PropertyNaming
    {
        /// <summary>Names a record member has already, or that the generated code uses (<c>ToKey</c>).</summary>
        private static readonly HashSet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
        {
            "EqualityContract", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Deconstruct",
            "PrintMembers", "Finalize", "ToKey", "Clone",
        };

        /// <summary>
        /// The property names of a table's attributes (heading order): PascalCase, with a trailing <c>_</c> for a name that
        /// would clash with a record member, <c>Row</c>, <c>Key</c> or the class name, and a number for a repeat.
        /// </summary>
        public static string[] For(string className, IReadOnlyList<string> attributes)
        {
            var used = new HashSet<string>(StringComparer.Ordinal) { "Row", "Key", className };
            var names = new string[attributes.Count];
            for (var i = 0; i < names.Length; i++)
            {
                var name = Of(attributes[i]);
                if (Reserved.Contains(name) || used.Contains(name)) name += "_";
                var suffix = 2;
                var baseName = name;
                while (!used.Add(name)) name = baseName + suffix++;
                names[i] = name;
            }
            return names;
        }

        /// <summary><c>neuron_id</c> → <c>NeuronId</c>; <c>x2_y</c> → <c>X2Y</c>.</summary>
        public static string Of(string sqlName)
        {
            var sb = new StringBuilder(sqlName.Length);
            var upper = true;
            foreach (var c in sqlName)
            {
                if (c == '_')
                {
                    upper = true;
                    continue;
                }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, 'A');
            return sb.ToString();
        }
    }
}
