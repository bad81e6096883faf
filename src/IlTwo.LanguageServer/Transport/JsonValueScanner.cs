using System.Buffers;
using System.Text.Json;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// Scans a message body incrementally, as its bytes arrive, to find where its first complete JSON value
/// ends and whether anything but whitespace follows. Each call resumes where the last one stopped, so a
/// 10 MB body arriving in small reads is scanned once.
/// </summary>
internal sealed class JsonValueScanner
{
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private long _consumed;
    private long _trailingChecked;

    /// <summary>Offset just past the first complete JSON value, once seen.</summary>
    public long? ValueEnd { get; private set; }

    /// <summary>Offset of the first non-whitespace byte after the value, once seen.</summary>
    public long? JunkAt { get; private set; }

    /// <summary>True once the bytes are known not to start with a JSON value.</summary>
    public bool Invalid { get; private set; }

    public void MarkInvalid() => Invalid = true;

    /// <summary>Scans what <paramref name="body"/> holds beyond what earlier calls saw (it only ever grows).</summary>
    public void Advance(ReadOnlySequence<byte> body)
    {
        if (Invalid || JunkAt is not null)
        {
            return;
        }

        if (ValueEnd is null && !ScanValue(body))
        {
            return;
        }

        var rest = body.Slice(_trailingChecked);
        long offset = _trailingChecked;
        foreach (var segment in rest)
        {
            var span = segment.Span;
            for (int i = 0; i < span.Length; i++)
            {
                if (!IsWhitespace(span[i]))
                {
                    JunkAt = offset + i;
                    return;
                }
            }

            offset += span.Length;
        }

        _trailingChecked = body.Length;
    }

    private bool ScanValue(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body.Slice(_consumed), isFinalBlock: false, _state);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    ValueEnd = _consumed + reader.BytesConsumed;
                    _trailingChecked = ValueEnd.Value;
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            Invalid = true;
            return false;
        }

        _consumed += reader.BytesConsumed;
        _state = reader.CurrentState;
        return false;
    }

    internal static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
