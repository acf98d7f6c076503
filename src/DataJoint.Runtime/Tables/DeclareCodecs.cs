using DataJoint.Definitions;

namespace DataJoint;

/// <summary>Declare-time codec type resolution (spec §2.6) for the definition compiler.</summary>
internal static class DeclareCodecs
{
    public static IDeclareCodecTypeResolver Resolver { get; } = new RegistryResolver();

    private sealed class RegistryResolver : IDeclareCodecTypeResolver
    {
        public CodecTypeResolution Resolve(string codecSpec)
        {
            try
            {
                return CodecTypeResolution.Success(Codecs.Resolve(codecSpec).FinalType);
            }
            catch (DataJointException ex)
            {
                return CodecTypeResolution.Failure(ex.Message);
            }
        }
    }
}
