// netstandard2.0 lacks this marker type; the compiler needs it for `init` accessors and records
// (used by generator models and by the sources shared with the runtime).
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
