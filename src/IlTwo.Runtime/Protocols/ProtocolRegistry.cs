using System.Diagnostics.CodeAnalysis;
using IlTwo.Runtime.Evaluation;
using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Protocols;

/// <summary>
/// The current <see cref="CompiledProtocol"/> per protocol id, thread-safe. <see cref="Replace"/> swaps atomically;
/// the old protocol is disposed (unloaded) once no evaluation or lease is using it (reference counted).
/// </summary>
public sealed class ProtocolRegistry : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Makes <paramref name="protocol"/> current for its id; the registry owns it from now on.</summary>
    /// <returns>The description of the protocol it replaced, or null.</returns>
    public ProtocolInfo? Replace(CompiledProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ObjectDisposedException.ThrowIf(protocol.IsDisposed, protocol);
        Entry? old;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _entries.TryGetValue(protocol.Info.Id, out old);
            if (ReferenceEquals(old?.Protocol, protocol))
            {
                return null;
            }

            _entries[protocol.Info.Id] = new Entry(protocol);
        }
        old?.Release(); // the registry's own reference
        return old?.Protocol.Info;
    }

    /// <summary>Removes the protocol; it is disposed once no one is using it.</summary>
    public bool Remove(string protocolId)
    {
        Entry? old;
        lock (_lock)
        {
            if (!_entries.Remove(protocolId, out old))
            {
                return false;
            }
        }
        old.Release();
        return true;
    }

    public IReadOnlyList<ProtocolInfo> Protocols
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Values.Select(e => e.Protocol.Info).OrderBy(i => i.Id, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// Borrows the current protocol for <paramref name="protocolId"/>; it stays loaded until the lease is disposed,
    /// even if replaced meanwhile.
    /// </summary>
    public bool TryAcquire(string protocolId, [NotNullWhen(true)] out ProtocolLease? lease)
    {
        while (true)
        {
            Entry? entry;
            lock (_lock)
            {
                _entries.TryGetValue(protocolId, out entry);
            }

            if (entry is null)
            {
                lease = null;
                return false;
            }
            if (entry.TryAddRef())
            {
                lease = new ProtocolLease(entry);
                return true;
            }
            // Replaced and released between the lookup and the add-ref: look again.
        }
    }

    /// <exception cref="KeyNotFoundException">no protocol with that id is registered.</exception>
    /// <param name="timeZone">The time zone the decision's text writes times in (UTC when null).</param>
    public DoseDecision Evaluate(string protocolId, PatientRecord record, DateTimeOffset at, DecisionLog? log = null, TimeZoneInfo? timeZone = null)
    {
        if (!TryAcquire(protocolId, out var lease))
        {
            throw new KeyNotFoundException($"no protocol '{protocolId}' is loaded");
        }

        using (lease)
        {
            return lease.Protocol.Evaluate(record, at, log, timeZone: timeZone);
        }
    }

    public void Dispose()
    {
        List<Entry> entries;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }
        entries.ForEach(e => e.Release());
    }

    internal sealed class Entry(CompiledProtocol protocol)
    {
        private int _references = 1; // the registry's

        public CompiledProtocol Protocol { get; } = protocol;

        public bool TryAddRef()
        {
            while (true)
            {
                var current = Volatile.Read(ref _references);
                if (current <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
                {
                    return true;
                }
            }
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                Protocol.Dispose();
            }
        }
    }
}

/// <summary>A borrowed protocol: dispose it to let a replaced protocol unload.</summary>
public sealed class ProtocolLease : IDisposable
{
    private ProtocolRegistry.Entry? _entry;

    internal ProtocolLease(ProtocolRegistry.Entry entry)
    {
        _entry = entry;
        Protocol = entry.Protocol;
    }

    public CompiledProtocol Protocol { get; }

    public void Dispose() => Interlocked.Exchange(ref _entry, null)?.Release();
}
