using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using IlTwo.Dsl.Analysis;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Compilation;

/// <summary>
/// One protocol file compiled through every front-end stage — parse, bind (with its <c>extends</c> chain), analyse —
/// with all of its diagnostics merged, de-duplicated and sorted in one place.
/// </summary>
public sealed class ProtocolCompilation
{
    private readonly ImmutableArray<Diagnostic> _beforeAnalysis;
    private readonly bool _analysisPending;
    private readonly IProtocolSourceResolver _resolver;
    private readonly ImmutableList<string> _visiting;

    private ProtocolCompilation(
        SyntaxTree tree, BoundProtocol protocol, ProtocolCompilation? @base, ImmutableArray<Diagnostic> diagnostics,
        ImmutableArray<Diagnostic> beforeAnalysis, bool analysisPending, IProtocolSourceResolver resolver, ImmutableList<string> visiting)
    {
        SyntaxTree = tree;
        Protocol = protocol;
        Base = @base;
        Diagnostics = diagnostics;
        _beforeAnalysis = beforeAnalysis;
        _analysisPending = analysisPending;
        _resolver = resolver;
        _visiting = visiting;
    }

    /// <summary>False when created with <see cref="ProtocolCompilationOptions.Analyze"/> off and the analysis would have run.</summary>
    public bool IsAnalyzed => !_analysisPending;

    public SyntaxTree SyntaxTree { get; }

    public SourceText Text => SyntaxTree.Text;

    public BoundProtocol Protocol { get; }

    /// <summary>The compilation of the protocol this one extends.</summary>
    public ProtocolCompilation? Base { get; }

    /// <summary>This file's diagnostics, sorted by position.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The files of the chain, root base first, this file last.</summary>
    public IEnumerable<ProtocolCompilation> Chain => Base is null ? [this] : Base.Chain.Append(this);

    /// <summary>Exactly what <see cref="SourceHash"/> hashes: every file of the chain, root first, each under a header line.</summary>
    public string SourceChainText => string.Concat(Chain.Select(c => $"// il2-source {c.Protocol.Id}\n{c.Text.Text}\n"));

    /// <summary>SHA-256 (lowercase hex) of <see cref="SourceChainText"/> in UTF-8.</summary>
    public string SourceHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SourceChainText)));

    public static ProtocolCompilation Create(SourceText text, IProtocolSourceResolver? resolver = null) =>
        Create(text, resolver ?? FileSystemProtocolResolver.Instance, ProtocolCompilationOptions.Default, []);

    public static ProtocolCompilation Create(SourceText text, IProtocolSourceResolver? resolver, ProtocolCompilationOptions options) =>
        Create(text, resolver ?? FileSystemProtocolResolver.Instance, options ?? ProtocolCompilationOptions.Default, []);

    public static ProtocolCompilation Create(string text, string path = "") => Create(SourceText.From(text, path));

    /// <summary>
    /// Compiles a new version of the file <paramref name="previous"/> compiled, reusing its syntax and binding for the declarations
    /// the edit did not touch. The result is the one <see cref="Create(SourceText, IProtocolSourceResolver?, ProtocolCompilationOptions)"/> gives.
    /// </summary>
    public static ProtocolCompilation Create(SourceText text, IProtocolSourceResolver? resolver, ProtocolCompilationOptions options, ProtocolCompilation? previous) =>
        Create(text, resolver ?? FileSystemProtocolResolver.Instance, options ?? ProtocolCompilationOptions.Default, [], previous);

    /// <summary>
    /// This compilation with the analysis stage run — reviewer warnings and proven claims — or itself when that already
    /// ran or cannot run; binding is not repeated.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the analysis finished.</exception>
    public ProtocolCompilation WithAnalysis(CancellationToken cancellationToken = default)
    {
        if (!_analysisPending)
        {
            return this;
        }

        var diagnostics = new DiagnosticBag(Text);
        diagnostics.AddRange(_beforeAnalysis);
        ProtocolAnalyzer.Analyze(Protocol, diagnostics, cancellationToken);
        if (!Protocol.Claims.IsEmpty && !diagnostics.HasErrors)
        {
            var chain = _visiting.Add(Protocol.Id);
            foreach (var claim in Protocol.Claims)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CheckClaim(this, claim, _resolver, chain, diagnostics);
            }
        }
        return new ProtocolCompilation(SyntaxTree, Protocol, Base, Finish(SyntaxTree, diagnostics.ToImmutable()), [], false, _resolver, _visiting);
    }

    private static ProtocolCompilation Create(SourceText text, IProtocolSourceResolver resolver, ProtocolCompilationOptions options, ImmutableList<string> visiting, ProtocolCompilation? previous = null)
    {
        var tree = SyntaxTree.Parse(text, previous?.SyntaxTree);
        var diagnostics = new DiagnosticBag(text);
        diagnostics.AddRange(tree.Diagnostics);
        ReportBidiControls(text, diagnostics);

        ProtocolCompilation? @base = null;
        if (tree.Root.OfKind<ExtendsDeclarationSyntax>().FirstOrDefault() is { Name.IsMissing: false } extends)
        {
            var id = extends.Name.Text;
            var ownId = tree.Root.OfKind<ProtocolDeclarationSyntax>().FirstOrDefault()?.Name.Text;
            var chain = ownId is null ? visiting : visiting.Add(ownId);
            if (chain.Contains(id))
            {
                diagnostics.ReportExtendsCycle(extends.Name.Span, chain.Append(id));
            }
            else if (resolver.Resolve(id, text) is not { } baseText)
            {
                diagnostics.ReportExtendedProtocolNotFound(extends.Name.Span, id);
            }
            else
            {
                // Bases are never analysed here: only their errors matter to this file.
                var baseOptions = options with { Analyze = false };
                @base = options.BaseCompilations is { } cache
                    ? cache(baseText, () => Create(baseText, resolver, baseOptions, chain))
                    : Create(baseText, resolver, baseOptions, chain);
                if (@base.HasErrors && @base.Chain.SelectMany(c => c.Diagnostics).FirstOrDefault(d => d.Descriptor == DiagnosticCatalog.ExtendsCycle) is { } cycle)
                {
                    // The cycle was found further down the chain; say so here too instead of "has N errors".
                    diagnostics.ReportExtendsCycle(extends.Name.Span, cycle);
                }
                else if (@base.HasErrors)
                {
                    var count = @base.Chain.Sum(c => c.Diagnostics.Count(d => d.IsError));
                    diagnostics.ReportExtendedProtocolHasErrors(extends.Name.Span, id, @base.Text.Path, count);
                }
                else if (@base.Protocol.Id != id)
                {
                    diagnostics.ReportExtendedProtocolIdMismatch(extends.Name.Span, @base.Text.Path, @base.Protocol.Id, id);
                }
            }
        }

        var protocol = Binder.Bind(tree, @base?.Protocol, diagnostics, previous?.Protocol);
        // Analysis needs a bound model worth analysing: it is skipped when the file does not even parse.
        var analyze = !diagnostics.HasErrors || !tree.Diagnostics.Any(d => d.IsError);
        var bound = new ProtocolCompilation(tree, protocol, @base, Finish(tree, diagnostics.ToImmutable()), diagnostics.ToImmutable(), analyze, resolver, visiting);
        return analyze && options.Analyze ? bound.WithAnalysis() : bound;
    }

    /// <summary>
    /// Proves <c>claim more conservative than NAME</c> with the same analysis as <c>il2 diff</c>: an error with a verified
    /// counterexample patient when it fails, a warning naming what made it undecidable when the analysis cannot tell.
    /// </summary>
    private static void CheckClaim(ProtocolCompilation self, ClaimSymbol claim, IProtocolSourceResolver resolver, ImmutableList<string> visiting, DiagnosticBag diagnostics)
    {
        var target = self.Base?.Chain.FirstOrDefault(c => c.Protocol.Id == claim.TargetId);
        if (target is null)
        {
            if (visiting.Contains(claim.TargetId))
            {
                diagnostics.ReportInvalidClaim(claim.NameSpan, claim.TargetId, ClaimProblem.InCycle);
                return;
            }
            if (resolver.Resolve(claim.TargetId, self.Text) is not { } text)
            {
                diagnostics.ReportInvalidClaim(claim.NameSpan, claim.TargetId, ClaimProblem.NotFound);
                return;
            }
            target = Create(text, resolver, ProtocolCompilationOptions.Default, visiting);
            if (target.Protocol.Id != claim.TargetId || target.Chain.Any(c => c.HasErrors))
            {
                diagnostics.ReportInvalidClaim(claim.NameSpan, claim.TargetId, target.Protocol.Id != claim.TargetId ? ClaimProblem.DeclaresAnotherId : ClaimProblem.HasErrors, target.Text.Path, target.Protocol.Id);
                return;
            }
        }

        var proof = ClaimProvers.Current(target, self, claim.TargetId);
        if (proof.Holds)
        {
            return;
        }

        if (proof.Refuted is { } refuted)
        {
            diagnostics.ReportClaimRefuted(claim.NameSpan, claim.TargetId, refuted.Why, refuted.Counterexample);
            return;
        }

        diagnostics.ReportClaimUndecided(claim.NameSpan, claim.TargetId, proof.Undecided);
    }

    /// <summary>Suppressed warnings dropped, then sorted by position with exact repeats (same code, span and message) removed.</summary>
    /// <summary>Every bidirectional control character, wherever it is (string, comment, name): a reviewer cannot see it.</summary>
    private static void ReportBidiControls(SourceText text, DiagnosticBag diagnostics)
    {
        foreach (var offset in BidiControls.Offsets(text.Text))
        {
            var c = text.Text[offset];
            diagnostics.ReportBidiControlCharacter(new TextSpan(offset, 1), c);
        }
    }

    private static ImmutableArray<Diagnostic> Finish(SyntaxTree tree, IEnumerable<Diagnostic> diagnostics) =>
        [.. DiagnosticSuppressions.Apply(tree, diagnostics)
            .DistinctBy(d => (d.Code, d.Span, d.Message))
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal)];
}

/// <summary>How <see cref="ProtocolCompilation.Create(SourceText, IProtocolSourceResolver?, ProtocolCompilationOptions)"/> runs; hosts that compile on every keystroke tune it.</summary>
public sealed record ProtocolCompilationOptions
{
    public static ProtocolCompilationOptions Default { get; } = new();

    /// <summary>Run the analysis stage (IL03xx warnings). Off, <see cref="ProtocolCompilation.WithAnalysis"/> runs it later on the same binding.</summary>
    public bool Analyze { get; init; } = true;

    /// <summary>
    /// Supplies the compilation of an extended protocol's text instead of compiling it again: given the base's text and a
    /// way to compile it, return a cached compilation of that same text (the language server keeps one per document version).
    /// </summary>
    public Func<SourceText, Func<ProtocolCompilation>, ProtocolCompilation>? BaseCompilations { get; init; }
}
