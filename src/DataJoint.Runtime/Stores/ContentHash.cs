using System.Buffers;
using System.Security.Cryptography;

namespace DataJoint.Stores;

/// <summary>
/// DataJoint's content hash: MD5 of the bytes, RFC 4648 base32, padding removed, lower-cased — always 26 characters
/// of <c>[a-z2-7]</c> (e.g. <c>""</c> → <c>2qoyzwmpaczaj2mabgmoz6ccpy</c>).
/// </summary>
internal static class ContentHash
{
    /// <summary>Length of a content hash.</summary>
    public const int Length = 26;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The hash of <paramref name="content"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> md5 = stackalloc byte[16];
        MD5.HashData(content, md5);
        return Base32(md5);
    }

    /// <summary>The hash of <paramref name="head"/> followed by <paramref name="tail"/> (a split blob: header, then the value's memory).</summary>
    internal static string Compute(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail)
    {
        if (tail.IsEmpty) return Compute(head);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(head);
        md5.AppendData(tail);
        Span<byte> digest = stackalloc byte[16];
        md5.GetHashAndReset(digest);
        return Base32(digest);
    }

    /// <summary>The hash of the rest of <paramref name="content"/>, read in pooled chunks (for large files).</summary>
    public static async Task<string> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                md5.AppendData(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Base32(md5.GetHashAndReset());
    }

    /// <summary>True if <paramref name="hash"/> has the form of a content hash (26 chars of <c>[a-z2-7]</c>).</summary>
    public static bool IsValid(string? hash)
    {
        if (hash is null || hash.Length != Length) return false;
        foreach (var c in hash)
            if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7'))) return false;
        return true;
    }

    /// <summary>Unpadded lower-case base32 of 16 bytes (128 bits → 26 characters; the last carries 3 bits).</summary>
    internal static string Base32(ReadOnlySpan<byte> bytes)
    {
        // Hand-written: .NET has no base32 encoder (Convert has base64/hex only) and this is a dozen lines.
        Span<char> chars = stackalloc char[(bytes.Length * 8 + 4) / 5];
        int bitBuffer = 0, bits = 0, o = 0;
        foreach (var b in bytes)
        {
            bitBuffer = (bitBuffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[o++] = Alphabet[(bitBuffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0) chars[o++] = Alphabet[(bitBuffer << (5 - bits)) & 31];
        return new string(chars[..o]);
    }
}
