using System.Globalization;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using IlTwo.Runtime.Units;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/inlayHint</c>: what the compiler reads into the text and a reviewer cannot see on the line —
/// a threshold in another unit than its observation's, converted at compile time (<c>12 kPa</c> <c>= 90.0 mm[Hg]</c>);
/// the recency window in force for each observation a rule's condition reads (after any override:
/// <c>within 2 h</c>); and, on an <c>override</c> rule, the protocol it replaces a rule of.
/// </summary>
internal sealed class InlayHintHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { InlayHintProvider = true };

    [JsonRpcMethod("textDocument/inlayHint")]
    public IReadOnlyList<InlayHint> InlayHint(InlayHintParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var protocol = document.Compilation.Protocol;
        var start = document.ToOffset(request.Range.Start);
        var end = document.ToOffset(request.Range.End);
        var hints = new List<(int Offset, InlayHint Hint)>();
        foreach (var rule in document.Compilation.SyntaxTree.Root.OfKind<RuleDeclarationSyntax>())
        {
            if (rule.Span.End < start || rule.Span.Start > end)
            {
                continue;
            }

            if (rule.IsOverride && protocol.FindRule(rule.Name.Text) is { Overrides: { } replaced })
            {
                var at = rule.Title?.Span.End ?? rule.Name.Span.End;
                hints.Add((at, new InlayHint(document.ToPosition(at), $"inherited from {replaced.ProtocolId}", Tooltip: $"replaces rule '{replaced.Name}' of {replaced.ProtocolId}", PaddingLeft: true)));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var condition in rule.Conditions.Concat(rule.Clauses.SelectMany(c => c.Children.OfType<ExpressionSyntax>())))
            {
                foreach (var node in OutsideCalls(condition))
                {
                    switch (node)
                    {
                        case NameExpressionSyntax name when seen.Add(name.Name.Text) && protocol.FindObservation(name.Name.Text) is { } observation && Recency(observation) is { } window:
                            hints.Add((name.Span.End, new InlayHint(
                                document.ToPosition(name.Span.End),
                                $"within {FormatDuration(window.Seconds)}",
                                InlayHintKind.Parameter,
                                $"the latest value of '{observation.Name}' counts only if charted within {FormatDuration(window.Seconds)} of the decision (set by {window.ProtocolId}); an older one is missing",
                                PaddingLeft: true)));
                            break;
                        case BinaryExpressionSyntax { Operator: var op } binary when op.IsComparison() || op is BinaryOperator.Add or BinaryOperator.Subtract:
                            AddConversion(hints, document, protocol, binary.Right, binary.Left);
                            AddConversion(hints, document, protocol, binary.Left, binary.Right);
                            break;
                    }
                }
            }
        }

        return [.. hints.Where(h => h.Offset >= start && h.Offset <= end).OrderBy(h => h.Offset).Select(h => h.Hint)];
    }

    /// <summary><paramref name="literal"/> compared with an observation in another unit: the value in the observation's unit.</summary>
    private static void AddConversion(List<(int, InlayHint)> hints, CompiledDocument document, BoundProtocol protocol, ExpressionSyntax literal, ExpressionSyntax other)
    {
        if (literal is not QuantityExpressionSyntax { Quantity: { Unit: { } unitSyntax } quantity }
            || ObservationOf(protocol, other) is not { Unit: { } target } observation
            || unitSyntax.Code == target.Code
            || !Ucum.TryParse(unitSyntax.Code, out var unit, out _)
            || !Ucum.TryGetConversion(unit, target, observation.MolarMass, out var conversion, out _))
        {
            return;
        }

        var converted = conversion.Apply(quantity.Value);
        hints.Add((quantity.Span.End, new InlayHint(
            document.ToPosition(quantity.Span.End),
            $"= {ThreeSignificantDigits(converted)} {target.Code}",
            InlayHintKind.Type,
            $"converted at compile time to the unit of '{observation.Name}'",
            PaddingLeft: true)));
    }

    /// <summary>The nodes of an expression, leaving out function calls (an aggregate's window is written in the call).</summary>
    private static IEnumerable<SyntaxNode> OutsideCalls(SyntaxNode node)
    {
        if (node is CallExpressionSyntax)
        {
            yield break;
        }

        yield return node;
        foreach (var child in node.Children)
        {
            foreach (var descendant in OutsideCalls(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>The window in force: the override's own, else the nearest up the chain it tightens.</summary>
    private static (double Seconds, string ProtocolId)? Recency(ObservationSymbol observation)
    {
        for (var o = observation; o is not null; o = o.Overrides)
        {
            if (o.Syntax?.Items.OfType<WithinItemSyntax>().Any() == true && o.RecencySeconds is { } seconds)
            {
                return (seconds, o.ProtocolId);
            }
        }

        return observation.RecencySeconds is { } fallback ? (fallback, observation.ProtocolId) : null;
    }

    private static ObservationSymbol? ObservationOf(BoundProtocol protocol, ExpressionSyntax expression) => expression switch
    {
        NameExpressionSyntax n => protocol.FindObservation(n.Name.Text),
        CallExpressionSyntax { Function.Text: not "count" } c when c.Arguments.FirstOrDefault() is ExpressionArgumentSyntax { Expression: NameExpressionSyntax n } => protocol.FindObservation(n.Name.Text),
        ParenthesizedExpressionSyntax p => ObservationOf(protocol, p.Inner),
        _ => null,
    };

    private static string FormatDuration(double seconds) => seconds switch
    {
        _ when seconds % 3600 == 0 => $"{(seconds / 3600).ToString(CultureInfo.InvariantCulture)} h",
        _ when seconds % 60 == 0 => $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)} min",
        _ => $"{seconds.ToString(CultureInfo.InvariantCulture)} s",
    };

    /// <summary>Three significant digits, trailing zeros kept: 90.006 → "90.0", 2.6018 → "2.60", 230.1 → "230".</summary>
    internal static string ThreeSignificantDigits(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 10);
        return Math.Round(value, decimals).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
