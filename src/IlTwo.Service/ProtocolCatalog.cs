using System.Collections.Concurrent;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Service;

/// <summary>
/// The protocols the service answers with: every <c>il2.*.dll</c> of the folder whose approvals verify against the
/// trust store, in a <see cref="ProtocolRegistry"/>. A rescan loads a changed file; only when it loads and verifies does
/// it replace the version in service (atomically; requests holding a lease finish on the old one). A file that does not
/// verify or load is refused with the reason, and whatever was serving keeps serving.
/// </summary>
public sealed class ProtocolCatalog : IDisposable
{
    private readonly string _directory;
    private readonly TrustStore _trust;
    private readonly TextWriter _log;
    private readonly Lock _scanLock = new();
    // The file state last seen per path (length + write time + hash when loaded), so an unchanged file is not reloaded.
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pathOf = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;

    private readonly Func<DateOnly> _today;
    private Timer? _recheck;

    /// <param name="today">The day approvals are judged on (default: today, UTC).</param>
    public ProtocolCatalog(string directory, TrustStore trust, TextWriter log, Func<DateOnly>? today = null)
    {
        _today = today ?? ApprovalEntry.TodayUtc;
        _directory = Path.GetFullPath(directory);
        _trust = trust;
        _log = TextWriter.Synchronized(log);
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"the protocols folder '{_directory}' does not exist");
        }
    }

    public ProtocolRegistry Registry { get; } = new();

    /// <summary>Loaded, refused: counters for the metrics.</summary>
    public event Action<ReloadOutcome>? Reloaded;

    public int Generation => Volatile.Read(ref _generation);

    private int _generation;

    /// <summary>Loads every new or changed protocol file; refusals are logged and leave the current version serving.</summary>
    public void Scan()
    {
        lock (_scanLock)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(_directory, "il2.*.dll").Order(StringComparer.Ordinal))
            {
                present.Add(path);
                string stamp;
                try
                {
                    var approvals = ApprovalSignatures.PathForAssembly(path);
                    stamp = Stamp(path) + "|" + (File.Exists(approvals) ? Stamp(approvals) : "-");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                if (_seen.TryGetValue(path, out var previous) && previous == stamp)
                {
                    continue;
                }

                _seen[path] = stamp;
                LoadOne(path);
            }
            UnloadDeleted(present);
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>
    /// A protocol whose file is gone from the folder stops being served (404, not listed in discovery) and is logged;
    /// requests holding a lease finish on it. A protocol another file now serves is left alone.
    /// </summary>
    private void UnloadDeleted(HashSet<string> present)
    {
        var gone = new List<string>();
        foreach (var path in _seen.Keys)
        {
            if (!present.Contains(path))
            {
                gone.Add(path);
            }
        }
        foreach (var path in gone)
        {
            _seen.Remove(path);
            foreach (var (id, servedFrom) in _pathOf)
            {
                if (servedFrom != path || !_pathOf.TryRemove(new KeyValuePair<string, string>(id, path)) || !Registry.Remove(id))
                {
                    continue;
                }
                _log.WriteLine($"il2 serve: unloaded '{id}': its file {path} was removed from the protocols folder");
                Reloaded?.Invoke(new ReloadOutcome(path, null, "removed", "its file was removed from the protocols folder"));
            }
        }
    }

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return $"{info.Length}:{info.LastWriteTimeUtc.Ticks}:{ApprovalVerifier.Sha256(File.ReadAllBytes(path))}";
    }

    private void LoadOne(string path)
    {
        CompiledProtocol protocol;
        try
        {
            protocol = CompiledProtocol.Load(path, new CompiledProtocolLoadOptions { Trust = _trust, Today = _today });
        }
        catch (ProtocolLoadException e)
        {
            _log.WriteLine($"il2 serve: refused {path}: {e.Message}");
            Reloaded?.Invoke(new ReloadOutcome(path, null, e.Code ?? "load", e.Message));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            _log.WriteLine($"il2 serve: refused {path}: {e.Message}");
            Reloaded?.Invoke(new ReloadOutcome(path, null, "io", e.Message));
            return;
        }
        var info = protocol.Info;
        if (_pathOf.TryGetValue(info.Id, out var otherPath) && otherPath != path && File.Exists(otherPath))
        {
            _log.WriteLine($"il2 serve: {path} is protocol '{info.Id}' {info.Version}, which {otherPath} already serves; the newer load replaces it");
        }
        _pathOf[info.Id] = path;
        var replaced = Registry.Replace(protocol);
        _log.WriteLine(replaced is null
            ? $"il2 serve: loaded '{info.Id}' {info.Version} ({protocol.AssemblySha256[..12]}) from {path}"
            : $"il2 serve: replaced '{info.Id}' {replaced.Version} with {info.Version} ({protocol.AssemblySha256[..12]}) from {path}");
        Reloaded?.Invoke(new ReloadOutcome(path, info, null, null));
    }

    /// <summary>
    /// Judges the approvals of every protocol in service again, on today's date: one whose approvals are no longer in
    /// force (past their review-by date) is withdrawn, logged with the verifier's reason. Runs every hour while watching.
    /// </summary>
    public void Recheck()
    {
        lock (_scanLock)
        {
            foreach (var info in Registry.Protocols)
            {
                if (!Registry.TryAcquire(info.Id, out var lease))
                {
                    continue;
                }

                string? reason;
                using (lease)
                {
                    var p = lease.Protocol;
                    try
                    {
                        var signatures = ApprovalSignatures.Load(ApprovalSignatures.PathForAssembly(p.AssemblyPath)).Signatures;
                        var facts = new AssemblyFacts(info.Id, info.Version, p.AssemblySha256) { CanonicalHash = info.CanonicalHash };
                        var verdict = new ApprovalVerifier(_trust).Verify(signatures, facts, _today());
                        reason = verdict.IsApproved ? null : verdict.Message;
                    }
                    catch (TrustException e)
                    {
                        reason = e.Message;
                    }
                }
                if (reason is null)
                {
                    continue;
                }

                Registry.Remove(info.Id);
                _log.WriteLine($"il2 serve: withdrew '{info.Id}' {info.Version}: its approvals are no longer in force: {reason}");
                Reloaded?.Invoke(new ReloadOutcome(_pathOf.GetValueOrDefault(info.Id) ?? "", null, "withdrawn", reason));
            }
        }
    }

    /// <summary>Watches the folder; each burst of changes triggers one <see cref="Scan"/> after <paramref name="delay"/>.</summary>
    public void StartWatching(TimeSpan delay)
    {
        _debounce = new Timer(_ =>
        {
            try
            {
                Scan();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.WriteLine($"il2 serve: cannot rescan {_directory}: {e.Message}");
            }
        });
        _watcher = new FileSystemWatcher(_directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler changed = (_, _) => _debounce.Change(delay, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(delay, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        _recheck = new Timer(_ => Recheck(), null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _recheck?.Dispose();
        Registry.Dispose();
    }
}

/// <summary>One load attempt: <see cref="Loaded"/> on success, else the refusal code and reason.</summary>
public sealed record ReloadOutcome(string Path, ProtocolInfo? Loaded, string? RefusalCode, string? Reason);
