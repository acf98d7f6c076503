namespace DataJoint;


/// <summary>
/// Base of the tier classes. A table class is a <c>[Table]</c> partial class deriving from one tier and declaring
/// <c>public const string Definition = """...""";</c>; the generator emits its metadata, and <see cref="Schema.TableAsync{T}"/> declares and opens it.
/// </summary>
public abstract class UserTable
{
    private protected UserTable() { }
}

/// <summary>Manually entered data (no name prefix).</summary>
public abstract class Manual : UserTable;

/// <summary>Reference contents (<c>#</c> prefix).</summary>
public abstract class Lookup : UserTable;

/// <summary>Data imported by populate (<c>_</c> prefix).</summary>
public abstract class Imported : UserTable;

/// <summary>Data computed by populate (<c>__</c> prefix).</summary>
public abstract class Computed : UserTable;

/// <summary>A part of <typeparamref name="TMaster"/> (<c>master__part</c>); its definition may use <c>-&gt; master</c>.</summary>
/// <typeparam name="TMaster">The master table class.</typeparam>
public abstract class Part<TMaster> : UserTable where TMaster : UserTable;
