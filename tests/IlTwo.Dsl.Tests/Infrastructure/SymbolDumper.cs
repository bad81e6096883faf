using System.Globalization;
using System.Text;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Infrastructure;

/// <summary>Dumps the bound protocol: header, regimen, references, events, observations, constants, rules, fixtures, scenarios.</summary>
public static class SymbolDumper
{
    public static string Dump(BoundProtocol protocol)
    {
        var b = new StringBuilder();
        b.Append($"protocol {protocol.Id} version={protocol.Version ?? "-"} title={Q(protocol.Title)}\n");
        b.Append($"lineage {string.Join(" <- ", protocol.Lineage.Select(p => p.Id))}\n");

        var r = protocol.Regimen;
        b.Append("regimen\n");
        b.Append($"  drug={r.Drug ?? "-"} dose={N(r.DoseValue)} {r.DoseUnit ?? "-"} route={r.Route ?? "-"}\n");
        b.Append($"  interval={Hours(r.MinIntervalSeconds)}..{Hours(r.MaxIntervalSeconds)} max-per-cycle={N(r.MaxDosesPerCycle)} max-per-course={N(r.MaxDosesPerCourse)}\n");
        if (r.FirstDose is { } first)
        {
            b.Append($"  first-dose {Hours(first.EarliestSeconds)}..{Hours(first.LatestSeconds)} after {first.Event.Name}\n");
        }

        foreach (var c in r.Citations)
        {
            b.Append($"  {Citation(c)}\n");
        }

        foreach (var reference in protocol.References)
        {
            b.Append($"reference {reference.Name} defined-in={reference.ProtocolId} title={Q(reference.Title)} doi={reference.Doi ?? "-"} url={reference.Url ?? "-"}\n");
        }

        foreach (var e in protocol.Events)
        {
            b.Append($"event {e.Name} defined-in={e.ProtocolId} title={Q(e.Title)}\n");
        }

        foreach (var o in protocol.Observations)
        {
            var range = o.Range is { } rg ? $"{N(rg.Low)}..{N(rg.High)} (canonical)" : "-";
            b.Append($"observation {o.Name} defined-in={o.ProtocolId} {(o.IsYesNo ? "yes/no" : $"unit={o.Unit?.Code ?? "-"}")} loinc=[{string.Join(",", o.LoincCodes)}] within={Hours(o.RecencySeconds)} range={range}{(o.MolarMass is { } m ? $" molar-mass={N(m)} g/mol" : "")}{(o.ReportedTo is { } p ? $" reported-to={N(p)}" : "")}{(o.IsOptional ? " optional" : "")} title={Q(o.Title)}\n");
        }
        foreach (var c in protocol.Constants)
        {
            b.Append($"const {c.Name} defined-in={c.ProtocolId} type={c.Type.Describe()} value={(c.Value is null ? "-" : BoundExpressionPrinter.Print(c.Value))}\n");
        }

        foreach (var rule in protocol.Rules)
        {
            b.Append($"rule {rule.Name} action={rule.Action.ToString().ToLowerInvariant()} defined-in={rule.ProtocolId}{(rule.Overrides is { } o ? $" overrides={o.Name}@{o.ProtocolId}" : "")} title={Q(rule.Title)}\n");
            b.Append($"  when {BoundExpressionPrinter.Print(rule.Condition)}\n");
            foreach (var c in rule.Citations)
            {
                b.Append($"  {Citation(c)}\n");
            }
        }
        foreach (var removed in protocol.RemovedRules)
        {
            b.Append($"removed {removed.Rule.Name} from={removed.Rule.ProtocolId} because={Q(removed.Reason)}\n");
        }

        foreach (var f in protocol.Fixtures)
        {
            b.Append($"fixture {f.Name} defined-in={f.ProtocolId}{(f.Syntax.Base is { } bs ? $" using={bs.Text}" : "")}\n");
        }

        foreach (var s in protocol.Scenarios)
        {
            b.Append($"scenario {Q(s.Title)} expect={s.ExpectedAction?.ToString().ToLowerInvariant() ?? "-"}{(s.ExpectedRules is { } rules ? $" because={string.Join(",", rules.Select(x => x.Name))}" : "")}\n");
            if (s.Weight is { } w)
            {
                b.Append($"  weight {N(w.Value)} {w.Unit}\n");
            }

            foreach (var e in s.Events)
            {
                b.Append($"  event {e.Type} {Hours(e.AgoSeconds)} ago\n");
            }

            foreach (var d in s.Doses)
            {
                b.Append($"  dose {(d.Given ? "given" : "held")} {Hours(d.AgoSeconds)} ago\n");
            }

            foreach (var v in s.Observations)
            {
                b.Append($"  {v.Observation.Name} {(v.Flag is { } flag ? (flag ? "yes" : "no") : $"{N(v.Value)} {v.Unit}")} {Hours(v.AgoSeconds)} ago\n");
            }
        }
        return b.ToString();
    }

    private static string Citation(BoundCitation c) =>
        c.Unverified ? $"unverified {Q(c.Note)}" : $"cite {c.Reference?.Name ?? "?"} {Q(c.Locator)}";

    private static string Q(string? s) => s is null ? "-" : "\"" + s.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string N(double? d) => d is null ? "-" : d.Value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Hours(double? seconds) => seconds is null ? "-" : N(seconds / 3600) + "h";

    public static string Diagnostics(Compilation.ProtocolCompilation compilation, string path) =>
        string.Concat(compilation.Diagnostics.Select(d => d.ToCompilerFormat(path) + "\n"));

    public static string Syntax(Compilation.ProtocolCompilation compilation) =>
        SyntaxDumper.Dump(compilation.SyntaxTree.Root, compilation.Text);

    public static string Span(TextSpan span, SourceText text) => SyntaxDumper.Span(span, text);
}
