namespace DataJoint.Integration.Tests.StoresTables;

/// <summary>A custom codec chained into <c>&lt;blob&gt;</c>: stores text upper-cased, reads it back lower-cased.</summary>
[Codec("atomic_shout", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class AtomicShoutCodec : Codec<string, string>
{
    protected override string Encode(string value, EncodeContext context) => value.ToUpperInvariant();

    protected override string Decode(string stored, DecodeContext context) => stored.ToLowerInvariant();
}

/// <summary>
/// A custom codec chained into <c>&lt;object&gt;</c> (schema-addressed): text as UTF-8 bytes. Encoding the text "boom"
/// fails, which lets a test break a multi-row insert after other rows have uploaded their objects.
/// </summary>
[Codec("atomic_text", InStore = "<object>")]
public sealed partial class AtomicTextCodec : AsyncCodec<string, object>
{
    /// <summary>Cancelled when the text "cancel" is encoded (tests of cancellation in the middle of an insert).</summary>
    internal static CancellationTokenSource? CancelOnEncode;

    protected override ValueTask<object> EncodeAsync(string value, EncodeContext context, CancellationToken cancellationToken)
    {
        if (value == "boom") throw new DataJointException("atomic_text refuses to encode 'boom'");
        if (value == "cancel") CancelOnEncode?.Cancel();
        return new ValueTask<object>(System.Text.Encoding.UTF8.GetBytes(value));
    }

    protected override async ValueTask<string> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken) =>
        System.Text.Encoding.UTF8.GetString(await ((DataJoint.Stores.ObjectRef)stored).ReadAllBytesAsync(cancellationToken));
}
