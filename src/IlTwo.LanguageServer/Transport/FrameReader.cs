using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;

namespace IlTwo.LanguageServer.Transport;

/// <summary>
/// Reads LSP frames (<c>Content-Length</c> headers, blank line, JSON body) and never gives up on the stream:
/// <list type="bullet">
/// <item>A body that is not one JSON value becomes a <see cref="BadFrame"/> and reading goes on after it.</item>
/// <item>Bytes that are not a header are skipped up to the next <c>Content-Length:</c>; one <see cref="BadFrame"/> per run.</item>
/// <item>A <c>Content-Length</c> larger than the message: when a complete JSON value is followed by the next
///   <c>Content-Length</c> header inside the declared length, or by nothing for <see cref="_stallTimeout"/>,
///   that value is the message and reading resumes right after it.</item>
/// <item>A <c>Content-Length</c> smaller than the message: the truncated body is a <see cref="BadFrame"/> and the
///   rest is skipped as above.</item>
/// </list>
/// A JSON value cannot contain a raw line break inside a string, so a header found after a complete value is never
/// part of that value.
/// </summary>
internal sealed class FrameReader
{
    private const int MaxHeaderBlock = 8 * 1024;
    private static readonly byte[] ContentLengthName = "content-length"u8.ToArray();
    private static readonly byte[] HeaderTerminator = "\r\n\r\n"u8.ToArray();

    private readonly PipeReader _reader;
    private readonly TimeSpan _stallTimeout;
    private readonly long _maxBodyBytes;
    private bool _inBadRun;

    public FrameReader(PipeReader reader, TimeSpan stallTimeout, long maxBodyBytes = 512L * 1024 * 1024)
    {
        _reader = reader;
        _stallTimeout = stallTimeout;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary>Reads the next frame; null once the stream has ended.</summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var header = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            switch (header)
            {
                case HeaderResult.End:
                    return null;
                case HeaderResult.Bad bad:
                    if (Report())
                    {
                        return new BadFrame(bad.Reason);
                    }

                    continue;
                case HeaderResult.Length length:
                    var frame = await ReadBodyAsync(length.Value, cancellationToken).ConfigureAwait(false);
                    if (frame is MessageFrame)
                    {
                        _inBadRun = false;
                        return frame;
                    }

                    if (frame is BadFrame && Report())
                    {
                        return frame;
                    }

                    if (frame is null)
                    {
                        return null;
                    }

                    continue;
            }
        }
    }

    /// <summary>True for the first problem of a run of bad bytes: one error answer per bad message, not per chunk.</summary>
    private bool Report()
    {
        var first = !_inBadRun;
        _inBadRun = true;
        return first;
    }

    private async ValueTask<HeaderResult> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var step = ParseHeader(buffer, result.IsCompleted);
            switch (step)
            {
                case HeaderStep.NeedMore:
                    if (result.IsCompleted)
                    {
                        _reader.AdvanceTo(buffer.End);
                        return HeaderResult.End.Instance;
                    }

                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                case HeaderStep.Skip skip:
                    _reader.AdvanceTo(buffer.GetPosition(skip.Bytes));
                    if (skip.Reason is not null)
                    {
                        return new HeaderResult.Bad(skip.Reason);
                    }

                    continue;
                case HeaderStep.Found found:
                    _reader.AdvanceTo(buffer.GetPosition(found.HeaderBytes));
                    return new HeaderResult.Length(found.ContentLength);
            }
        }
    }

    private HeaderStep ParseHeader(ReadOnlySequence<byte> buffer, bool completed)
    {
        int look = (int)Math.Min(buffer.Length, MaxHeaderBlock);
        if (look == 0)
        {
            return HeaderStep.NeedMore.Instance;
        }

        var rented = ArrayPool<byte>.Shared.Rent(look);
        try
        {
            var span = rented.AsSpan(0, look);
            buffer.Slice(0, look).CopyTo(span);

            int start = 0;
            while (start < look && JsonValueScanner.IsWhitespace(span[start]))
            {
                start++;
            }

            if (start == look)
            {
                return new HeaderStep.Skip(look, null);
            }

            int end = span[start..].IndexOf(HeaderTerminator);
            if (end < 0)
            {
                if (look >= MaxHeaderBlock || completed || !LooksLikeHeaderStart(span[start..]))
                {
                    return SkipToNextHeader(span, start, look, completed, "Expected a Content-Length header.");
                }

                return HeaderStep.NeedMore.Instance;
            }

            var block = span.Slice(start, end);
            var (length, problem) = ParseHeaderBlock(block);
            if (problem is not null)
            {
                var next = IndexOfHeaderName(span[(start + 1)..(start + end)]);
                return next >= 0
                    ? new HeaderStep.Skip(start + 1 + next, problem)
                    : new HeaderStep.Skip(start + end + HeaderTerminator.Length, problem);
            }

            if (length > _maxBodyBytes)
            {
                return new HeaderStep.Skip(start + end + HeaderTerminator.Length, $"Content-Length {length} exceeds the limit of {_maxBodyBytes} bytes.");
            }

            return new HeaderStep.Found(start + end + HeaderTerminator.Length, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Skips bytes that cannot start a header, up to the next <c>Content-Length</c> (keeping a tail that may be the start of one).</summary>
    private static HeaderStep SkipToNextHeader(ReadOnlySpan<byte> span, int start, int look, bool completed, string reason)
    {
        var next = IndexOfHeaderName(span[(start + 1)..look]);
        if (next >= 0)
        {
            return new HeaderStep.Skip(start + 1 + next, reason);
        }

        if (completed)
        {
            return new HeaderStep.Skip(look, reason);
        }

        int keep = Math.Min(look - start, ContentLengthName.Length);
        int skip = look - keep;
        return skip > 0 ? new HeaderStep.Skip(skip, reason) : HeaderStep.NeedMore.Instance;
    }

    /// <summary>True while the bytes seen so far can still be the start of "Name: value".</summary>
    private static bool LooksLikeHeaderStart(ReadOnlySpan<byte> span)
    {
        for (int i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b == (byte)':')
            {
                return i > 0;
            }

            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        return true;
    }

    private static (long Length, string? Problem) ParseHeaderBlock(ReadOnlySpan<byte> block)
    {
        long length = -1;
        while (!block.IsEmpty)
        {
            int lineEnd = block.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? block : block[..lineEnd];
            block = lineEnd < 0 ? [] : block[(lineEnd + 2)..];

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                return (-1, "Malformed header line.");
            }

            if (line[..colon].Length == ContentLengthName.Length && EqualsIgnoreCase(line[..colon], ContentLengthName))
            {
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (!Utf8Parser.TryParse(value, out long parsed, out int used) || used != value.Length || parsed < 0)
                {
                    return (-1, "Content-Length is not a non-negative integer.");
                }

                length = parsed;
            }
        }

        return length < 0 ? (-1, "No Content-Length header.") : (length, null);
    }

    private async ValueTask<Frame?> ReadBodyAsync(long contentLength, CancellationToken cancellationToken)
    {
        var scanner = new JsonValueScanner();
        long headerSearchFrom = 1;
        while (true)
        {
            bool stalled = false;
            ReadResult result;
            if (scanner.ValueEnd is not null && scanner.JunkAt is null && _stallTimeout > TimeSpan.Zero)
            {
                using var timer = new CancellationTokenSource(_stallTimeout);
                using var registration = timer.Token.Register(() => { stalled = true; _reader.CancelPendingRead(); });
                result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            var buffer = result.Buffer;
            long available = buffer.Length;
            var window = buffer.Slice(0, Math.Min(available, contentLength));
            scanner.Advance(window);

            if (scanner.ValueEnd is long valueEnd && scanner.JunkAt is long junkAt)
            {
                switch (MatchesHeaderName(buffer.Slice(junkAt)))
                {
                    case true:
                        var recovered = window.Slice(0, valueEnd).ToArray();
                        _reader.AdvanceTo(buffer.GetPosition(junkAt));
                        return new MessageFrame(recovered, $"Content-Length {contentLength} was larger than the message ({valueEnd} bytes); read on from the next header.");
                    case false:
                        scanner.MarkInvalid();
                        break;
                    case null when !result.IsCompleted:
                        _reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    case null:
                        scanner.MarkInvalid();
                        break;
                }
            }

            if (scanner.Invalid)
            {
                // The body is bad whatever its length; if the next header already starts inside it (also one that
                // runs past the declared end: a length one byte too large), resume there.
                long searchEnd = Math.Min(available, contentLength + ContentLengthName.Length - 1);
                // (At offset 0 too: "Content-Length: N" then straight away the next header is an empty, lost body.)
                var next = IndexOfHeaderName(buffer.Slice(0, searchEnd), Math.Max(0, headerSearchFrom - ContentLengthName.Length));
                headerSearchFrom = searchEnd;
                if (next >= 0 && next < contentLength)
                {
                    _reader.AdvanceTo(buffer.GetPosition(next));
                    return new BadFrame("The message body is not JSON.");
                }
            }

            if (available >= contentLength)
            {
                var end = buffer.GetPosition(contentLength);
                if (!scanner.Invalid && scanner.ValueEnd is not null)
                {
                    var body = window.ToArray();
                    _reader.AdvanceTo(end);
                    return new MessageFrame(body);
                }

                if (scanner.Invalid || scanner.ValueEnd is null)
                {
                    // A bad body (not JSON, or cut short: the declared length ran into the next message): if the next
                    // header starts inside it, even inside what looked like a JSON string, resume there.
                    var inside = IndexOfHeaderName(buffer.Slice(0, Math.Min(available, contentLength + ContentLengthName.Length - 1)), 0);
                    if (inside >= 0 && inside < contentLength)
                    {
                        _reader.AdvanceTo(buffer.GetPosition(inside));
                        return new BadFrame(scanner.Invalid ? "The message body is not JSON." : "The message body ends inside a JSON value (Content-Length wrong?).");
                    }

                    if (!result.IsCompleted && HeaderMayStartBefore(buffer, contentLength, available))
                    {
                        // The last bytes of the body may be the start of the next header: wait for enough bytes to tell.
                        _reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                }

                _reader.AdvanceTo(end);
                return new BadFrame(scanner.Invalid ? "The message body is not JSON." : "The message body ends inside a JSON value (Content-Length too small?).");
            }

            if (stalled && !scanner.Invalid && scanner.ValueEnd is long completeEnd && scanner.JunkAt is null)
            {
                var recovered = window.Slice(0, completeEnd).ToArray();
                _reader.AdvanceTo(buffer.End);
                return new MessageFrame(recovered, $"Content-Length {contentLength} was larger than the {available} bytes received; took the complete JSON value.");
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                return new BadFrame("The stream ended inside a message.");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True when a "Content-Length" may start in the last bytes before <paramref name="contentLength"/> but too few bytes have arrived to tell.</summary>
    private static bool HeaderMayStartBefore(ReadOnlySequence<byte> buffer, long contentLength, long available)
    {
        for (long at = Math.Max(0, contentLength - ContentLengthName.Length + 1); at < contentLength; at++)
        {
            if (available - at < ContentLengthName.Length && MatchesHeaderName(buffer.Slice(at)) is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True if the bytes start with "Content-Length", false if they cannot, null if too few bytes to tell.</summary>
    private static bool? MatchesHeaderName(ReadOnlySequence<byte> bytes)
    {
        Span<byte> head = stackalloc byte[ContentLengthName.Length];
        int n = (int)Math.Min(bytes.Length, head.Length);
        bytes.Slice(0, n).CopyTo(head);
        if (!EqualsIgnoreCase(head[..n], ContentLengthName.AsSpan(0, n)))
        {
            return false;
        }

        return n == head.Length ? true : null;
    }

    private static long IndexOfHeaderName(ReadOnlySequence<byte> bytes, long from)
    {
        if (from >= bytes.Length)
        {
            return -1;
        }

        // Bodies are copied out once at the end anyway; searching a contiguous copy keeps this simple.
        var tail = bytes.Slice(from);
        if (tail.IsSingleSegment)
        {
            var index = IndexOfHeaderName(tail.FirstSpan);
            return index < 0 ? -1 : from + index;
        }

        var copy = tail.ToArray();
        var found = IndexOfHeaderName(copy);
        return found < 0 ? -1 : from + found;
    }

    private static int IndexOfHeaderName(ReadOnlySpan<byte> span)
    {
        for (int i = 0; i + ContentLengthName.Length <= span.Length; i++)
        {
            if ((span[i] | 0x20) == 'c' && EqualsIgnoreCase(span.Slice(i, ContentLengthName.Length), ContentLengthName))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> left, ReadOnlySpan<byte> lowerRight)
    {
        if (left.Length != lowerRight.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            var b = left[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b = (byte)(b | 0x20);
            }

            if (b != lowerRight[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        return !name.IsEmpty;
    }

    private static bool IsTokenChar(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_';

    private abstract record HeaderStep
    {
        public sealed record NeedMore : HeaderStep
        {
            public static readonly NeedMore Instance = new();
        }

        public sealed record Skip(int Bytes, string? Reason) : HeaderStep;

        public sealed record Found(int HeaderBytes, long ContentLength) : HeaderStep;
    }

    private abstract record HeaderResult
    {
        public sealed record End : HeaderResult
        {
            public static readonly End Instance = new();
        }

        public sealed record Bad(string Reason) : HeaderResult;

        public sealed record Length(long Value) : HeaderResult;
    }
}
