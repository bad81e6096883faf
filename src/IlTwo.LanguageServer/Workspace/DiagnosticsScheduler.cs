using IlTwo.LanguageServer.Logging;
using IlTwo.LanguageServer.Protocol;

namespace IlTwo.LanguageServer.Workspace;

/// <summary>
/// Publishes each document's diagnostics a short delay after its last change: a fixed one, or one adapted to how long the
/// document's recent compiles took (<see cref="DebouncePolicy"/>). A newer change cancels the pending
/// analysis of the same document; a result is published only if its snapshot is still the document's current one,
/// and publishes go out one at a time, so the last diagnostics a client sees are always those of the latest text.
/// </summary>
public sealed class DiagnosticsScheduler : IDisposable
{
    private readonly DocumentStore _documents;
    private readonly IDocumentAnalyzer _analyzer;
    private readonly Func<PublishDiagnosticsParams, Task> _publish;
    private readonly TimeSpan? _delay;
    private readonly DebouncePolicy _debounce;
    private readonly Dictionary<string, Queue<TimeSpan>> _compileTimes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<TimeSpan>> _analysisTimes = new(StringComparer.Ordinal);
    private readonly ServerLog _log;
    private readonly object _lock = new();
    private readonly Dictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastChange = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private bool _stopped;

    /// <param name="delay">A fixed wait; null adapts it with <paramref name="debounce"/>.</param>
    public DiagnosticsScheduler(DocumentStore documents, IDocumentAnalyzer analyzer, Func<PublishDiagnosticsParams, Task> publish, TimeSpan? delay, DebouncePolicy debounce, ServerLog log)
    {
        _documents = documents;
        _analyzer = analyzer;
        _publish = publish;
        _delay = delay;
        _debounce = debounce;
        _log = log;
    }

    /// <summary>
    /// How long a change to <paramref name="uri"/> waits before its diagnostics are computed, given how long after the
    /// previous change to it this one came (null: the first, or unknown).
    /// </summary>
    public TimeSpan DelayFor(Uri uri, TimeSpan? sinceLastChange = null)
    {
        if (_delay is { } fixedDelay)
        {
            return fixedDelay;
        }

        lock (_lock)
        {
            return _debounce.Compute(_compileTimes.TryGetValue(uri.OriginalString, out var times) ? [.. times] : [], sinceLastChange);
        }
    }

    /// <summary>
    /// How long the analysis round of <paramref name="uri"/> waits after the bound diagnostics went out: adapted, the same
    /// way, to how long its recent analyses took (up to <see cref="DebouncePolicy.AnalysisMax"/>), so that a protocol whose
    /// analysis takes seconds does not start one per keystroke of a burst; none with a fixed delay (tests).
    /// </summary>
    public TimeSpan AnalysisDelayFor(Uri uri)
    {
        if (_delay is not null)
        {
            return TimeSpan.Zero;
        }

        lock (_lock)
        {
            var policy = _debounce with { Max = _debounce.AnalysisMax };
            return _analysisTimes.TryGetValue(uri.OriginalString, out var times) ? policy.Compute([.. times]) : TimeSpan.Zero;
        }
    }

    private void RecordCompileTime(Uri uri, TimeSpan elapsed) => Record(_compileTimes, uri, elapsed);

    private void RecordAnalysisTime(Uri uri, TimeSpan elapsed) => Record(_analysisTimes, uri, elapsed);

    private void Record(Dictionary<string, Queue<TimeSpan>> history, Uri uri, TimeSpan elapsed)
    {
        lock (_lock)
        {
            if (!history.TryGetValue(uri.OriginalString, out var times))
            {
                history[uri.OriginalString] = times = new Queue<TimeSpan>();
            }

            times.Enqueue(elapsed);
            while (times.Count > Math.Max(1, _debounce.History))
            {
                times.Dequeue();
            }
        }
    }

    /// <summary>
    /// Where the pages of the codes live (<c>codeDescription.href</c> = this + <c>IL####.md</c>); null publishes no links.
    /// Set from <see cref="LanguageServerOptions.DiagnosticDocsBaseUri"/> and the client's <c>initializationOptions</c>.
    /// </summary>
    public Uri? DocsBaseUri
    {
        get => Volatile.Read(ref _docsBaseUri);
        set => Volatile.Write(ref _docsBaseUri, value);
    }

    private Uri? _docsBaseUri;

    /// <summary>
    /// (Re)starts the countdown to analysing <paramref name="uri"/>, cancelling any analysis already pending for it; the
    /// time since its previous change decides whether this change is part of a burst (<see cref="DebouncePolicy.Compute"/>).
    /// </summary>
    public void Schedule(Uri uri)
    {
        var source = new CancellationTokenSource();
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan? sinceLastChange;
        lock (_lock)
        {
            if (_stopped)
            {
                source.Dispose();
                return;
            }

            CancelPending(uri.OriginalString);
            _pending[uri.OriginalString] = source;
            sinceLastChange = _lastChange.TryGetValue(uri.OriginalString, out var last) ? System.Diagnostics.Stopwatch.GetElapsedTime(last, now) : null;
            _lastChange[uri.OriginalString] = now;
        }

        _ = Task.Run(() => AnalyzeAndPublishAsync(uri, source, sinceLastChange));
    }

    /// <summary>Cancels pending work for a closed document and clears its diagnostics in the client.</summary>
    public async Task ClearAsync(Uri uri)
    {
        lock (_lock)
        {
            CancelPending(uri.OriginalString);
            _compileTimes.Remove(uri.OriginalString);
            _analysisTimes.Remove(uri.OriginalString);
            _lastChange.Remove(uri.OriginalString);
        }

        await _publishLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _publish(new PublishDiagnosticsParams(uri, [])).ConfigureAwait(false);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    /// <summary>Cancels everything pending and schedules nothing more (on shutdown).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            foreach (var key in _pending.Keys.ToList())
            {
                CancelPending(key);
            }
        }
    }

    public void Dispose() => Stop();

    private void CancelPending(string key)
    {
        if (_pending.Remove(key, out var previous))
        {
            previous.Cancel();
        }
    }

    /// <summary>The next (analysis) round, after its adaptive wait, on a thread of its own; its time feeds that wait.</summary>
    private async Task<bool> NextRoundAsync(Uri uri, IEnumerator<System.Collections.Immutable.ImmutableArray<IlTwo.Dsl.Diagnostics.Diagnostic>> rounds, CancellationToken token)
    {
        var delay = AnalysisDelayFor(uri);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, token).ConfigureAwait(false);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var more = await Task.Factory.StartNew(rounds.MoveNext, token, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            if (more)
            {
                RecordAnalysisTime(uri, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }

            return more;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cut short by a newer edit: it took at least this long, so the estimate may only grow (an analysis that is
            // always cut short would otherwise never be waited for, and start on every keystroke).
            RecordAnalysisLowerBound(uri, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private void RecordAnalysisLowerBound(Uri uri, TimeSpan elapsed)
    {
        lock (_lock)
        {
            var known = _analysisTimes.TryGetValue(uri.OriginalString, out var times) && times.Count > 0 ? times.Max() : TimeSpan.Zero;
            if (elapsed > known)
            {
                RecordAnalysisTime(uri, elapsed);
            }
        }
    }

    private async Task AnalyzeAndPublishAsync(Uri uri, CancellationTokenSource source, TimeSpan? sinceLastChange)
    {
        var token = source.Token;
        try
        {
            var delay = DelayFor(uri, sinceLastChange);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }

            if (token.IsCancellationRequested || !_documents.TryGet(uri, out var snapshot))
            {
                return;
            }

            // Each round is complete: the bound diagnostics go out at once, the analysis warnings follow. The first
            // round's compile time (parse and bind: what a keystroke waits for) feeds the adaptive delay.
            // Later rounds (the analysis: seconds on a large protocol, with solver processes it waits on) run on a thread
            // of their own, so they never hold a pool thread that a completion or hover request is waiting for.
            var first = true;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var rounds = _analyzer.Analyze(snapshot, token).GetEnumerator();
            while (first ? rounds.MoveNext() : await NextRoundAsync(uri, rounds, token).ConfigureAwait(false))
            {
                var round = rounds.Current;
                if (first)
                {
                    RecordCompileTime(uri, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    first = false;
                }

                token.ThrowIfCancellationRequested();
                var diagnostics = DiagnosticConverter.Convert(round, DocsBaseUri);

                await _publishLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    if (token.IsCancellationRequested || !_documents.TryGet(uri, out var current) || !ReferenceEquals(current, snapshot))
                    {
                        return;
                    }

                    await _publish(new PublishDiagnosticsParams(snapshot.Uri, diagnostics, snapshot.Version)).ConfigureAwait(false);
                }
                finally
                {
                    _publishLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Superseded by a newer change, a close or shutdown.
        }
        catch (Exception ex)
        {
            _log.Error($"Analysing '{uri.OriginalString}' failed: {ex}");
        }
        finally
        {
            lock (_lock)
            {
                if (_pending.TryGetValue(uri.OriginalString, out var registered) && ReferenceEquals(registered, source))
                {
                    _pending.Remove(uri.OriginalString);
                }

                source.Dispose();
            }
        }
    }
}
