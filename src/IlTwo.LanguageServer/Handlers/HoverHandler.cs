using System.Globalization;
using System.Text;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Syntax;
using IlTwo.LanguageServer.Features;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Workspace;
using IlTwo.Runtime.Units;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>textDocument/hover</c>: what a name refers to (observation, rule, reference, constant, event...), a function's
/// signature, and a quantity compared with an observation converted to the observation's unit.
/// </summary>
internal sealed class HoverHandler(ServerContext context) : ILanguageServerHandler
{
    public ServerCapabilities Advertise(ServerCapabilities capabilities) => capabilities with { HoverProvider = true };

    [JsonRpcMethod("textDocument/hover")]
    public Hover? Hover(HoverParams request)
    {
        var document = context.Workspace.Get(request.TextDocument.Uri);
        var offset = document.ToOffset(request.Position);

        if (SymbolSearch.OccurrenceAt(document.Compilation, offset) is { } occurrence)
        {
            return Markdown(document, occurrence.Span, Describe(occurrence.Symbol));
        }

        if (QuantityHover(document, offset) is { } quantity)
        {
            return quantity;
        }

        var tokens = document.Compilation.SyntaxTree.Tokens;
        var index = document.Compilation.SyntaxTree.FindTokenIndex(offset);
        if (index >= 0 && index + 1 < tokens.Length && tokens[index + 1].Text == "(" && Binder.Functions.TryGetValue(tokens[index].Text, out var function))
        {
            return Markdown(document, tokens[index].Span, $"```il2\n{function.Signature}\n```\n\n{function.Documentation}");
        }

        return null;
    }

    private static Hover Markdown(CompiledDocument document, Dsl.Text.TextSpan span, string text) =>
        new(new MarkupContent(MarkupKind.Markdown, text), document.ToRange(span));

    internal static string Describe(Symbol symbol) => symbol switch
    {
        ObservationSymbol o => DescribeObservation(o),
        RuleSymbol r => DescribeRule(r),
        ReferenceSymbol r => DescribeReference(r),
        ConstantSymbol c => $"**constant** `{c.Name}` = `{ExpressionPrinter.Print(c.Syntax.Value)}`{FromProtocol(c)}",
        EventSymbol e => $"**event** `{e.Name}`{(e.Title is null ? "" : $" — {e.Title}")}{FromProtocol(e)}",
        FixtureSymbol f => $"**fixture** `{f.Name}`{(f.Syntax.Base is { IsMissing: false } b ? $" (using `{b.Text}`)" : "")}{FromProtocol(f)}",
        ProtocolReferenceSymbol p => $"**protocol** `{p.Name}`{(p.Protocol.Title is null ? "" : $" — {p.Protocol.Title}")}\n\n{p.Protocol.Version}",
        _ => $"`{symbol.Name}`",
    };

    private static string FromProtocol(Symbol symbol) => $"\n\n*from protocol `{symbol.ProtocolId}`*";

    private static string DescribeObservation(ObservationSymbol o)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**observation** `{o.Name}`");
        if (o.Title is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" — {o.Title}");
        }

        text.Append("\n\n");
        foreach (var code in o.LoincCodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"- LOINC `{code}`: {LoincTable.Find(code)?.Name ?? "not in the vendored table"}\n");
        }

        if (o.IsYesNo)
        {
            text.Append("- yes/no\n");
        }
        else if (o.Unit is { } unit)
        {
            text.Append(CultureInfo.InvariantCulture, $"- unit `{unit.Code}` ({unit.Dimension.Describe()})\n");
        }

        if (o.RecencySeconds is { } seconds)
        {
            text.Append(CultureInfo.InvariantCulture, $"- counts for {FormatDuration(seconds)} after it is recorded\n");
        }

        if (Effective<RangeItemSyntax>(o) is { } range)
        {
            text.Append(CultureInfo.InvariantCulture, $"- range {ExpressionPrinter.Print(range.Low)} to {ExpressionPrinter.Print(range.High)}: a value outside is a data error that holds the dose\n");
        }

        if (Effective<ReportedToItemSyntax>(o) is { } precision && o.ReportedTo is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"- reported to {ExpressionPrinter.Print(precision.Precision)}: a converted value is rounded to it before any comparison\n");
        }

        if (o.MolarMass is { } molarMass)
        {
            text.Append(CultureInfo.InvariantCulture, $"- molar mass {molarMass.ToString(CultureInfo.InvariantCulture)} g/mol\n");
        }

        text.Append(o.IsOptional ? "- optional: a missing value does not hold the dose\n" : "- required: a missing value holds the dose\n");
        text.Append(FromProtocol(o));
        if (o.Overrides is { } tightened)
        {
            text.Append(CultureInfo.InvariantCulture, $"; overrides the observation of protocol `{tightened.ProtocolId}`");
        }

        return text.ToString();
    }

    private static string DescribeRule(RuleSymbol rule)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**{(rule.Overrides is null ? "" : "override ")}{rule.Action.ToString().ToLowerInvariant()} rule** `{rule.Name}` — {rule.Title}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"```il2\nwhen {Condition(rule)}\n```\n");
        foreach (var citation in rule.Citations)
        {
            if (citation.Unverified)
            {
                text.Append(CultureInfo.InvariantCulture, $"- ⚠ unverified{(citation.Note is null ? "" : $": {citation.Note}")}\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"- cites {citation.Reference?.Title ?? "an unknown reference"}{(citation.Locator is null ? "" : $", \"{citation.Locator}\"")}\n");
            }
        }

        if (rule.Overrides is { } replaced)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nReplaces `{replaced.Name}` from protocol `{replaced.ProtocolId}` — {replaced.Title}:\n\n```il2\nwhen {Condition(replaced)}\n```\n");
        }

        text.Append(FromProtocol(rule));
        return text.ToString();
    }

    private static string Condition(RuleSymbol rule) =>
        rule.Syntax.Conditions.IsEmpty ? "(no condition)" : string.Join(" and ", rule.Syntax.Conditions.Select(ExpressionPrinter.Print));

    private static string DescribeReference(ReferenceSymbol reference)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**reference** `{reference.Name}`\n\n{reference.Title}\n");
        if (reference.Doi is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- doi [{reference.Doi}](https://doi.org/{reference.Doi})");
        }

        if (reference.Url is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {reference.Url}");
        }

        return text.ToString();
    }

    /// <summary>The item as it applies: an override's own, else the nearest one up the chain it tightens.</summary>
    private static T? Effective<T>(ObservationSymbol observation)
        where T : class
    {
        for (var o = observation; o is not null; o = o.Overrides)
        {
            if (o.Syntax?.Items.OfType<T>().FirstOrDefault() is { } item)
            {
                return item;
            }
        }
        return null;
    }

    private static string FormatDuration(double seconds) => seconds switch
    {
        _ when seconds % 3600 == 0 => $"{seconds / 3600} h",
        _ when seconds % 60 == 0 => $"{seconds / 60} min",
        _ => $"{seconds} s",
    };

    /// <summary><c>sbp &lt; 11 kPa</c> or a scenario's <c>sbp 11 kPa 1 h ago</c>: the value in the observation's unit.</summary>
    private static Hover? QuantityHover(CompiledDocument document, int offset)
    {
        var protocol = document.Compilation.Protocol;
        foreach (var node in document.Compilation.SyntaxTree.Root.DescendantsAndSelf())
        {
            if (!node.Span.Touches(offset))
            {
                continue;
            }

            (QuantitySyntax Quantity, ObservationSymbol? Observation)? candidate = node switch
            {
                BinaryExpressionSyntax { Operator: var op } b when op.IsComparison() && b.Right is QuantityExpressionSyntax q && q.Span.Touches(offset) => (q.Quantity, ObservationOf(protocol, b.Left)),
                BinaryExpressionSyntax { Operator: var op } b when op.IsComparison() && b.Left is QuantityExpressionSyntax q && q.Span.Touches(offset) => (q.Quantity, ObservationOf(protocol, b.Right)),
                ScenarioObservationSyntax { Value: { } value } s when value.Span.Touches(offset) => (value, protocol.FindObservation(s.Observation.Text)),
                _ => null,
            };

            if (candidate is not ({ Unit: { } unitSyntax } quantity, { Unit: { } target } observation))
            {
                continue;
            }

            if (!Ucum.TryParse(unitSyntax.Code, out var unit, out _) || !Ucum.TryGetConversion(unit, target, observation.MolarMass, out var conversion, out var error))
            {
                return null;
            }

            var converted = conversion.Apply(quantity.Value);
            var shown = ThreeSignificantDigits(converted);
            return Markdown(document, quantity.Span, $"`{ExpressionPrinter.Print(quantity)}` = **{shown} {target.Code}** (the unit of `{observation.Name}`)");
        }

        return null;
    }

    /// <summary>82.506 → "82.5", 2.6018 → "2.6", 600000 → "600000": enough to check a threshold by eye.</summary>
    internal static string ThreeSignificantDigits(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 10);
        return Math.Round(value, decimals).ToString("0.##########", CultureInfo.InvariantCulture);
    }

    private static ObservationSymbol? ObservationOf(BoundProtocol protocol, ExpressionSyntax expression) => expression switch
    {
        NameExpressionSyntax n => protocol.FindObservation(n.Name.Text),
        CallExpressionSyntax { Function.Text: not "count" } c when c.Arguments.FirstOrDefault() is ExpressionArgumentSyntax { Expression: NameExpressionSyntax n } => protocol.FindObservation(n.Name.Text),
        ParenthesizedExpressionSyntax p => ObservationOf(protocol, p.Inner),
        _ => null,
    };
}
