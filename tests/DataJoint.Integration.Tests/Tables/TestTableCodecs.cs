using System.Text.Json.Serialization;

namespace DataJoint.Integration.Tests.Tables;

public sealed record Point2(double X, double Y);

public sealed record Point2Dto([property: JsonPropertyName("xy")] double[] Xy);

/// <summary>A codec whose column is JSON (longtext on MariaDB): exercises the json path of codec columns.</summary>
[Codec("tblpoint", InTable = "json")]
public sealed partial class TablePointCodec : Codec<Point2, Point2Dto>
{
    protected override Point2Dto Encode(Point2 value, EncodeContext context) => new([value.X, value.Y]);

    protected override Point2 Decode(Point2Dto stored, DecodeContext context) => new(stored.Xy[0], stored.Xy[1]);
}

/// <summary>A codec into a bytes column: stores the UTF-8 text reversed.</summary>
[Codec("tblrev", InTable = "bytes")]
public sealed partial class TableReverseCodec : Codec<string, byte[]>
{
    protected override byte[] Encode(string value, EncodeContext context) => System.Text.Encoding.UTF8.GetBytes(value).Reverse().ToArray();

    protected override string Decode(byte[] stored, DecodeContext context) => System.Text.Encoding.UTF8.GetString(stored.Reverse().ToArray());
}
