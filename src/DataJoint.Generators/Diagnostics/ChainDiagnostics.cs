using DataJoint.Shared.Codecs;
using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Diagnostics
{
    /// <summary>The catalog entry and message arguments for a failed codec chain (analyzer and generator alike).</summary>
    internal static class ChainDiagnostics
    {
        public static (DiagnosticDescriptor Descriptor, string[] Arguments)? Describe(ChainResolution r, string where)
        {
            switch (r.Error)
            {
                case ChainErrorKind.UnknownCodec:
                    return (DiagnosticDescriptors.UnknownCodec, new[]
                    {
                        r.ErrorCodec ?? string.Empty, where, r.Suggestion != null ? ". Did you mean <" + r.Suggestion + ">?" : string.Empty,
                    });
                case ChainErrorKind.Circular:
                    return (DiagnosticDescriptors.CircularChain, new[] { where, r.Detail ?? string.Empty });
                case ChainErrorKind.ModeNotSupported:
                    return (DiagnosticDescriptors.StoreModeNotSupported, new[] { where, r.Message ?? string.Empty });
                case ChainErrorKind.TypeMismatch:
                    return (DiagnosticDescriptors.ChainTypeMismatch, new[]
                    {
                        where, r.ErrorCodec ?? string.Empty, r.ProducedType ?? string.Empty, r.Consumer ?? string.Empty, r.ExpectedType ?? string.Empty,
                    });
                case ChainErrorKind.NoCoreType:
                    return (DiagnosticDescriptors.NoCoreType, new[] { where, r.Message ?? string.Empty });
                default:
                    return null;
            }
        }
    }
}
