using System;

namespace DataJoint.Shared.Codecs
{
    /// <summary>
    /// A parsed codec reference <c>&lt;name&gt;</c>, <c>&lt;name@&gt;</c> or <c>&lt;name@store&gt;</c>
    /// (spec §1.3, §4.3). <see cref="Store"/> is null without <c>@</c>, "" for a bare <c>@</c>, else the trimmed store name.
    /// Shared by the runtime and the generator (netstandard2.0-compatible, no Roslyn types).
    /// </summary>
    internal readonly struct CodecSpec
    {
        public CodecSpec(string name, string? store)
        {
            Name = name;
            Store = store;
        }

        /// <summary>The codec name (trimmed), without brackets and store.</summary>
        public string Name { get; }

        /// <summary>null: no <c>@</c>; "": bare <c>@</c> (default store); otherwise the store name.</summary>
        public string? Store { get; }

        /// <summary>True if <paramref name="dtype"/> is a codec reference (<c>&lt;.+&gt;</c> after trimming).</summary>
        public static bool IsCodecReference(string dtype)
        {
            if (dtype == null) return false;
            var t = dtype.Trim();
            return t.Length > 2 && t[0] == '<' && t[t.Length - 1] == '>';
        }

        /// <summary>Parses <c>&lt;name@store&gt;</c>; returns false if <paramref name="dtype"/> is not a codec reference.</summary>
        public static bool TryParse(string dtype, out CodecSpec spec)
        {
            spec = default;
            if (!IsCodecReference(dtype)) return false;
            var inner = dtype.Trim();
            inner = inner.Substring(1, inner.Length - 2);
            var at = inner.IndexOf('@');
            if (at < 0)
            {
                spec = new CodecSpec(inner.Trim(), null);
            }
            else
            {
                spec = new CodecSpec(inner.Substring(0, at).Trim(), inner.Substring(at + 1).Trim());
            }
            return true;
        }

        /// <summary>Formats back to <c>&lt;name&gt;</c> / <c>&lt;name@store&gt;</c>.</summary>
        public override string ToString() => Format(Name, Store);

        /// <summary>Formats a codec reference.</summary>
        public static string Format(string name, string? store) =>
            store == null ? "<" + name + ">" : "<" + name + "@" + store + ">";

        /// <summary>True if the name is a valid codec name: a letter or underscore, then letters, digits, '_' or '-'.</summary>
        public static bool IsValidName(string? name)
        {
            if (name == null || name.Length == 0) return false;
            var c0 = name[0];
            if (!(char.IsLetter(c0) || c0 == '_') || c0 > 127) return false;
            for (var i = 1; i < name.Length; i++)
            {
                var c = name[i];
                if (c > 127 || !(char.IsLetterOrDigit(c) || c == '_' || c == '-')) return false;
            }
            return true;
        }
    }
}
