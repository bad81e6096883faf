using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Text;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// The model every handler reads: one <see cref="ProtocolCompilation"/> per open document, built lazily and cached per
/// document version. <c>extends</c> resolves to open documents first (by the protocol id they declare, same folder
/// preferred), then to the file system; an open base is compiled once and shared by every child, so editing a child
/// never binds its base again. The analysis stage (IL03xx) runs separately, on the same binding, only for diagnostics.
/// </summary>
public sealed class ProtocolWorkspace : IDocumentAnalyzer
{
    private readonly DocumentStore _documents;
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<SourceText, Entry> _entriesBySource = [];
    private readonly Dictionary<string, DiskFile> _disk = new(StringComparer.Ordinal);
    private readonly Resolver _resolver;
    private readonly ProtocolCompilationOptions _options;

    [ThreadStatic]
    private static HashSet<Entry>? s_building;

    public ProtocolWorkspace(DocumentStore documents)
    {
        _documents = documents;
        _resolver = new Resolver(this);
        _options = new ProtocolCompilationOptions { Analyze = false, BaseCompilations = CompileBase };
    }

    /// <summary>The compilation of the document's current text (without analysis warnings).</summary>
    /// <exception cref="DocumentNotOpenException">The document is not open.</exception>
    public ProtocolCompilation GetCompilation(Uri uri) => GetEntry(_documents.Get(uri)).Bound.Value;

    /// <summary>The document's current compilation, for a request about it.</summary>
    /// <exception cref="DocumentNotOpenException">The document is not open.</exception>
    public CompiledDocument Get(Uri uri) => new(uri, GetCompilation(uri));

    /// <summary>The compilation with every diagnostic computed so far: analysed when that already ran, bound otherwise.</summary>
    public ProtocolCompilation GetLatestCompilation(Uri uri)
    {
        var entry = GetEntry(_documents.Get(uri));
        return entry.Analyzed ?? entry.Bound.Value;
    }

    /// <summary>
    /// The bound diagnostics, then the analysed ones. A newer edit cancels the analysis part-way (it can take seconds on a
    /// large protocol), so a stale analysis never competes with the next edit's compile for the CPU.
    /// </summary>
    public IEnumerable<ImmutableArray<Diagnostic>> Analyze(TextDocument document, CancellationToken cancellationToken)
    {
        var entry = GetEntry(document);
        var bound = entry.Bound.Value;
        yield return bound.Diagnostics;
        if (!bound.IsAnalyzed && !cancellationToken.IsCancellationRequested)
        {
            yield return entry.Analyze(cancellationToken).Diagnostics;
        }
    }

    /// <summary>
    /// Call after a document was opened, changed or closed: drops the cached compilations that read it as a base and
    /// returns the open documents whose diagnostics must be published again.
    /// </summary>
    public IReadOnlyList<Uri> Invalidate(Uri changed)
    {
        var path = NormalizePath(PathOf(changed));
        var dependents = new List<Uri>();
        lock (_lock)
        {
            if (!_documents.TryGet(changed, out _))
            {
                _entries.Remove(changed.OriginalString);
            }

            foreach (var (key, entry) in _entries.ToList())
            {
                // The changed document has a new snapshot already; one not built yet has nothing cached to drop.
                if (key == changed.OriginalString || !entry.Bound.IsValueCreated)
                {
                    continue;
                }

                if (entry.Bound.Value.Chain.SkipLast(1).Any(c => NormalizePath(c.Text.Path) == path))
                {
                    _entries[key] = entry.Rebuild(this);
                    dependents.Add(entry.Snapshot.Uri);
                }
            }

            foreach (var (diskPath, file) in _disk.ToList())
            {
                if (file.Compilation is { } compiled && compiled.Chain.SkipLast(1).Any(c => NormalizePath(c.Text.Path) == path))
                {
                    _disk[diskPath] = file with { Compilation = null };
                }
            }
        }

        return dependents;
    }

    /// <summary>The open document whose file is <paramref name="path"/>, if any.</summary>
    public TextDocument? FindOpenDocument(string path)
    {
        var normalized = NormalizePath(path);
        return _documents.Snapshot().FirstOrDefault(d => NormalizePath(PathOf(d.Uri)) == normalized);
    }

    /// <summary>The URI to answer with for a file of a chain: the open document's own URI, or a file URI.</summary>
    public Uri UriFor(SourceText source)
    {
        if (FindOpenDocument(source.Path) is { } open)
        {
            return open.Uri;
        }

        return Uri.TryCreate(source.Path, UriKind.Absolute, out var uri) ? uri : new Uri(Path.GetFullPath(source.Path));
    }

    /// <summary>Compilations of every open document (building those not built yet).</summary>
    public IEnumerable<(TextDocument Document, ProtocolCompilation Compilation)> OpenCompilations() =>
        _documents.Snapshot().Select(d => (d, GetEntry(d).Bound.Value));

    internal static string PathOf(Uri uri) => uri.IsAbsoluteUri && uri.IsFile ? uri.LocalPath : uri.OriginalString;

    internal static string NormalizePath(string path)
    {
        if (Uri.TryCreate(path, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            path = uri.LocalPath;
        }

        try
        {
            return Path.IsPathFullyQualified(path) ? Path.GetFullPath(path) : path;
        }
        catch (ArgumentException)
        {
            return path;
        }
    }

    private Entry GetEntry(TextDocument document)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(document.Uri.OriginalString, out var entry) && ReferenceEquals(entry.Snapshot, document))
            {
                return entry;
            }

            // An older snapshot asked after a newer one was cached (a late diagnostics run) gets its own, uncached entry.
            if (entry is not null && entry.Snapshot.Version > document.Version)
            {
                return new Entry(this, document);
            }

            // The previous version's compilation, when built, lends its syntax to the new one (the incremental parse).
            entry = new Entry(this, document, previous: entry?.LatestBuilt());
            _entries[document.Uri.OriginalString] = entry;
            _entriesBySource.AddOrUpdate(entry.Source, entry);
            return entry;
        }
    }

    private ProtocolCompilation Build(Entry entry)
    {
        s_building ??= [];
        s_building.Add(entry);
        try
        {
            return ProtocolCompilation.Create(entry.Source, _resolver, _options, entry.TakePrevious());
        }
        finally
        {
            s_building.Remove(entry);
        }
    }

    /// <summary>Bases come from the cache: an open document's own compilation, or one per disk file's text.</summary>
    private ProtocolCompilation CompileBase(SourceText text, Func<ProtocolCompilation> compile)
    {
        if (_entriesBySource.TryGetValue(text, out var entry))
        {
            // A cycle through open documents: compile this step afresh instead of waiting on ourselves.
            return s_building?.Contains(entry) == true ? compile() : entry.Bound.Value;
        }

        var path = NormalizePath(text.Path);
        lock (_lock)
        {
            if (_disk.TryGetValue(path, out var file) && ReferenceEquals(file.Text, text) && file.Compilation is { } cached)
            {
                return cached;
            }
        }

        var compilation = compile();
        lock (_lock)
        {
            if (_disk.TryGetValue(path, out var file) && ReferenceEquals(file.Text, text))
            {
                _disk[path] = file with { Compilation = compilation };
            }
        }

        return compilation;
    }

    private SourceText? ResolveOpen(string protocolId, SourceText requestingFile)
    {
        var requestingPath = NormalizePath(requestingFile.Path);
        var folder = Path.GetDirectoryName(requestingPath);
        var candidates = _documents.Snapshot()
            .Where(d => NormalizePath(PathOf(d.Uri)) != requestingPath && FileSystemProtocolResolver.DeclaresProtocol(d.Text, protocolId))
            .OrderBy(d => string.Equals(Path.GetDirectoryName(NormalizePath(PathOf(d.Uri))), folder, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(d => d.Uri.OriginalString, StringComparer.Ordinal);
        return candidates.FirstOrDefault() is { } document ? GetEntry(document).Source : null;
    }

    /// <summary>Disk texts are kept per path so an unchanged file is the same <see cref="SourceText"/> (and compiled once).</summary>
    private SourceText? ResolveDisk(string protocolId, SourceText requestingFile)
    {
        var text = FileSystemProtocolResolver.Instance.Resolve(protocolId, requestingFile);
        if (text is null)
        {
            return null;
        }

        var path = NormalizePath(text.Path);
        lock (_lock)
        {
            if (_disk.TryGetValue(path, out var file) && string.Equals(file.Text.Text, text.Text, StringComparison.Ordinal))
            {
                return file.Text;
            }

            _disk[path] = new DiskFile(text, null);
            return text;
        }
    }

    private sealed record DiskFile(SourceText Text, ProtocolCompilation? Compilation);

    private sealed class Entry
    {
        private ProtocolCompilation? _previous;

        public Entry(ProtocolWorkspace workspace, TextDocument snapshot, SourceText? source = null, ProtocolCompilation? previous = null)
        {
            _previous = previous;
            Snapshot = snapshot;
            Source = source ?? SourceText.From(snapshot.Text, PathOf(snapshot.Uri));
            Bound = new Lazy<ProtocolCompilation>(() => workspace.Build(this), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public TextDocument Snapshot { get; }

        public SourceText Source { get; }

        public Lazy<ProtocolCompilation> Bound { get; }

        /// <summary>The analysed compilation, once an analysis ran to the end.</summary>
        public ProtocolCompilation? Analyzed => Volatile.Read(ref _analyzed);

        private ProtocolCompilation? _analyzed;

        /// <exception cref="OperationCanceledException">Cancelled before the analysis finished (nothing is kept).</exception>
        public ProtocolCompilation Analyze(CancellationToken cancellationToken)
        {
            if (Analyzed is { } done)
            {
                return done;
            }

            var analyzed = Bound.Value.WithAnalysis(cancellationToken);
            return Interlocked.CompareExchange(ref _analyzed, analyzed, null) ?? analyzed;
        }

        /// <summary>This version's compilation when built, else the one it would have built from.</summary>
        public ProtocolCompilation? LatestBuilt() => Bound.IsValueCreated ? Bound.Value : Volatile.Read(ref _previous);

        /// <summary>The previous version's compilation, once: dropped after use so versions do not keep each other alive.</summary>
        public ProtocolCompilation? TakePrevious() => Interlocked.Exchange(ref _previous, null);

        /// <summary>The same text, compiled again on next use (its base changed). Keeps the source, so children's caches stay keyed.</summary>
        public Entry Rebuild(ProtocolWorkspace workspace)
        {
            var rebuilt = new Entry(workspace, Snapshot, Source, Bound.IsValueCreated ? Bound.Value : null);
            workspace._entriesBySource.AddOrUpdate(Source, rebuilt);
            return rebuilt;
        }
    }

    private sealed class Resolver(ProtocolWorkspace workspace) : IProtocolSourceResolver
    {
        public SourceText? Resolve(string protocolId, SourceText requestingFile) =>
            workspace.ResolveOpen(protocolId, requestingFile) ?? workspace.ResolveDisk(protocolId, requestingFile);
    }
}
