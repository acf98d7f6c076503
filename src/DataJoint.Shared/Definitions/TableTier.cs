// The one tier enum: public in the runtime (DATAJOINT_RUNTIME), internal in the generator that links this file.
namespace DataJoint
{
    /// <summary>The tier of a table, recognisable from its SQL name prefix.</summary>
#if DATAJOINT_RUNTIME
    public
#else
    internal
#endif
    enum TableTier
    {
        /// <summary>Entered by hand (no prefix).</summary>
        Manual,
        /// <summary>Small reference contents (<c>#</c> prefix).</summary>
        Lookup,
        /// <summary>Filled by populate from outside data (<c>_</c> prefix).</summary>
        Imported,
        /// <summary>Filled by populate from other tables (<c>__</c> prefix).</summary>
        Computed,
        /// <summary>Part of a master table (<c>master__part</c>).</summary>
        Part,
    }
}
