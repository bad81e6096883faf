namespace IlTwo.LanguageServer.Tests.Infrastructure;

/// <summary>
/// A log sink the server writes from any thread while a test (or the fuzzer, which compiles this file too) reads it with
/// <see cref="ToString"/>: writes and reads take one lock. <c>TextWriter.Synchronized</c> locks only the writes, and a
/// <c>StringBuilder</c> read during a write throws.
/// </summary>
internal sealed class LockedStringWriter : StringWriter
{
    private readonly Lock _lock = new();

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            base.Write(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            base.Write(buffer);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            base.WriteLine(value);
        }
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            base.WriteLine(buffer);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return base.ToString();
        }
    }
}
