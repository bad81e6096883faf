using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace IlTwo.Service;

/// <summary>
/// A request body read into a pooled buffer, up to a limit; disposing returns the buffer (so nothing parsed from
/// <see cref="Memory"/> may outlive it).
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int Chunk = 16 * 1024;

    private byte[] _buffer;
    private int _length;

    private RequestBody(byte[] buffer) => _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => TooLarge ? default : _buffer.AsMemory(0, _length);

    /// <summary>Over the limit: <see cref="Memory"/> is empty and the caller answers 413.</summary>
    public bool TooLarge { get; private set; }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>
    /// The body, up to <paramref name="limit"/> bytes. A larger body is drained (up to Kestrel's own cap, 1 MiB more) so
    /// that the client reads the 413 instead of a reset connection.
    /// </summary>
    public static async Task<RequestBody> Read(HttpRequest request, long limit, CancellationToken cancellation)
    {
        var declared = request.ContentLength;
        var body = new RequestBody(ArrayPool<byte>.Shared.Rent(declared is { } n && n > 0 && n <= limit ? (int)n : Chunk))
        {
            TooLarge = declared > limit,
        };
        try
        {
            while (true)
            {
                if (body.TooLarge)
                {
                    // Drain into the start of the buffer; nothing is kept.
                    if (await request.Body.ReadAsync(body._buffer.AsMemory(0, Math.Min(body._buffer.Length, Chunk)), cancellation) == 0)
                    {
                        break;
                    }

                    continue;
                }
                if (body._length == body._buffer.Length)
                {
                    body.Grow();
                }

                var read = await request.Body.ReadAsync(body._buffer.AsMemory(body._length), cancellation);
                if (read == 0)
                {
                    break;
                }

                body._length += read;
                if (body._length > limit)
                {
                    body.TooLarge = true;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body.TooLarge = true;
        }
        catch
        {
            body.Dispose();
            throw;
        }
        return body;
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
