using DataJoint.Definitions;

namespace DataJoint.Shared.Codecs
{
    /// <summary>
    /// Connects the definition compiler's codec seam (<see cref="IDeclareCodecTypeResolver"/>, §2.6 substitution) to the
    /// one chain resolver, so <c>&lt;graph@main&gt;</c> → <c>json</c> and <c>&lt;graph&gt;</c> → <c>bytes</c> are
    /// computed the same way by the runtime registry and by the analyzer.
    /// </summary>
    internal sealed class DeclareCodecResolver : IDeclareCodecTypeResolver
    {
        private readonly ICodecTypeResolver codecs;

        public DeclareCodecResolver(ICodecTypeResolver codecs) => this.codecs = codecs;

        public CodecTypeResolution Resolve(string codecSpec)
        {
            var r = ChainResolver.Resolve(codecSpec, codecs);
            return r.Success ? CodecTypeResolution.Success(r.FinalType!) : CodecTypeResolution.Failure(r.Message!);
        }
    }
}
