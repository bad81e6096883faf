using System.Collections.Immutable;
using IlTwo.Dsl.Binding;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Syntax;
using IlTwo.Runtime.Protocols;
using RuleAction = IlTwo.Runtime.Protocols.RuleAction;
using SyntaxRuleAction = IlTwo.Dsl.Syntax.RuleAction;

namespace IlTwo.Dsl.Lowering;

/// <summary>Describes a bound protocol for the engine: the same description whether it runs interpreted or compiled.</summary>
public static class ProtocolInfoBuilder
{
    public static string CompilerVersion { get; } =
        typeof(ProtocolInfoBuilder).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static ProtocolInfo Build(ProtocolCompilation compilation)
    {
        var protocol = compilation.Protocol;
        var observationIndex = protocol.Observations.Select((o, i) => (o, i)).ToDictionary(p => p.o, p => p.i);
        var eventIndex = protocol.Events.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        var slots = ConditionSlots.For(protocol);

        return new ProtocolInfo
        {
            Id = protocol.Id,
            Title = protocol.Title ?? protocol.Id,
            Version = protocol.Version ?? "0.0.0",
            SourceHash = compilation.SourceHash,
            CanonicalHash = CanonicalSource.Hash(compilation),
            CompilerVersion = CompilerVersion,
            Lineage = [.. protocol.Lineage.Select(p => p.Id)],
            Regimen = Regimen(protocol.Regimen, eventIndex),
            Observations = [.. protocol.Observations.Select((o, i) => new ObservationInfo
            {
                Index = i,
                Name = o.Name,
                Title = o.Title,
                IsYesNo = o.IsYesNo,
                Unit = o.Unit?.Code,
                Codes = o.LoincCodes,
                RecencySeconds = o.RecencySeconds ?? 0,
                MolarMass = o.MolarMass,
                IsOptional = o.IsOptional,
                RangeLow = o.Range is { } r && o.Unit is { } u ? (r.Low - u.Offset) / u.Factor : null,
                RangeHigh = o.Range is { } s && o.Unit is { } v ? (s.High - v.Offset) / v.Factor : null,
                ReportedTo = o.ReportedTo,
            })],
            Events = [.. protocol.Events.Select((e, i) => new EventInfo(i, e.Name, e.Title) { Codes = e.Codes })],
            References = [.. protocol.References.Select(r => new ReferenceInfo(r.Name, r.Title, r.Doi, r.Url))],
            Rules = [.. protocol.Rules.Select((r, i) => new RuleInfo
            {
                Index = i,
                Id = r.Name,
                Title = r.Title,
                Action = r.Action == SyntaxRuleAction.Discontinue ? RuleAction.Discontinue : RuleAction.Hold,
                Condition = BoundExpressionPrinter.Print(r.Condition),
                DefinedIn = r.ProtocolId,
                Citations = [.. r.Citations.Select(Citation)],
                Inputs = Inputs(r.Condition, protocol, observationIndex, eventIndex),
                Groups = r.Groups,
                Until = r.Until is { } until && slots.Until.TryGetValue(i, out var untilSlot)
                    ? new ExtraConditionInfo(untilSlot, BoundExpressionPrinter.Print(until)) { Inputs = Inputs(until, protocol, observationIndex, eventIndex) }
                    : null,
                PersistenceSeconds = r.PersistenceSeconds,
                Correction = r.Correction is { } correction && slots.Correction.TryGetValue(i, out var correctionSlot)
                    ? new ExtraConditionInfo(correctionSlot, BoundExpressionPrinter.Print(correction)) { Inputs = Inputs(correction, protocol, observationIndex, eventIndex) }
                    : null,
            })],
            ConditionSlots = slots.Count,
        };
    }

    private static RegimenInfo Regimen(BoundRegimen regimen, Dictionary<EventSymbol, int> eventIndex) => new()
    {
        Drug = regimen.Drug,
        DrugCodes = regimen.DrugCodes,
        DoseValue = regimen.DoseValue,
        DoseUnit = regimen.DoseUnit,
        Route = regimen.Route,
        MinIntervalSeconds = regimen.MinIntervalSeconds ?? 0,
        MaxIntervalSeconds = regimen.MaxIntervalSeconds,
        MaxDosesPerCycle = regimen.MaxDosesPerCycle,
        MaxDosesPerCourse = regimen.MaxDosesPerCourse,
        CourseCap = regimen.CourseCapCountsSlots ? CourseCapKind.DoseSlots : CourseCapKind.DosesGiven,
        FirstDose = regimen.FirstDose is { } window && eventIndex.TryGetValue(window.Event, out var index)
            ? new FirstDoseWindowInfo(window.EarliestSeconds, window.LatestSeconds, index, window.Event.Name)
            : null,
        Citations = [.. regimen.Citations.Select(Citation)],
    };

    private static CitationInfo Citation(BoundCitation citation) =>
        new(citation.Reference?.Name, citation.Locator, citation.Unverified, citation.Note);

    /// <summary>The distinct patient values a condition reads, in the order they appear.</summary>
    private static ImmutableArray<RuleInputInfo> Inputs(BoundExpression condition, BoundProtocol protocol, Dictionary<ObservationSymbol, int> observations, Dictionary<EventSymbol, int> events)
    {
        var depth = 0;
        var inputs = new List<RuleInputInfo>();
        static bool Same(RuleInputInfo a, RuleInputInfo b) =>
            a.Kind == b.Kind && a.Index == b.Index && a.Aggregate == b.Aggregate && a.WindowSeconds == b.WindowSeconds;
        void Add(RuleInputInfo input)
        {
            var existing = inputs.FindIndex(i => Same(i, input));
            if (existing < 0)
            {
                inputs.Add(input);
            }
            else if (!input.Thresholds.IsEmpty)
            {
                inputs[existing] = inputs[existing] with { Thresholds = [.. inputs[existing].Thresholds, .. input.Thresholds.Except(inputs[existing].Thresholds)] };
            }
        }

        void Walk(BoundExpression expression)
        {
            var text = BoundExpressionPrinter.Print(expression);
            switch (expression)
            {
                case BoundObservationValue o:
                    Add(new RuleInputInfo { Kind = InputKind.Latest, Index = observations[o.Observation], Text = text });
                    break;
                case BoundAggregate a:
                    Add(new RuleInputInfo { Kind = InputKind.Aggregate, Index = observations[a.Observation], Aggregate = a.Kind, WindowSeconds = a.WindowSeconds, Text = text });
                    break;
                case BoundBaseline b:
                    Add(new RuleInputInfo { Kind = InputKind.Baseline, Index = observations[b.Observation], Text = text });
                    break;
                case BoundWeight:
                    Add(new RuleInputInfo { Kind = InputKind.Weight, Text = "weight" });
                    break;
                case BoundDoses d:
                    Add(new RuleInputInfo { Kind = d.Held ? InputKind.DosesHeld : InputKind.DosesGiven, Text = text });
                    break;
                case BoundTimeSince t:
                    Add(t.Kind switch
                    {
                        Syntax.TimeSinceKind.LastDose => new RuleInputInfo { Kind = InputKind.TimeSinceLastDose, Text = text },
                        Syntax.TimeSinceKind.FirstDose => new RuleInputInfo { Kind = InputKind.TimeSinceFirstDose, Text = text },
                        _ => new RuleInputInfo { Kind = InputKind.TimeSinceEvent, Index = events[t.Event!], Text = text },
                    });
                    break;
                case BoundBinary b:
                    Walk(b.Left);
                    Walk(b.Right);
                    if (b.Kind.IsComparison())
                    {
                        if (Threshold(b.Left, b.Kind, b.Right) is { } left)
                        {
                            Add(left);
                        }
                        else if (Threshold(b.Right, b.Kind.Mirror(), b.Left) is { } right)
                        {
                            Add(right);
                        }
                    }
                    break;
                case BoundNot n:
                    Walk(n.Operand);
                    break;
                case BoundNegate n:
                    Walk(n.Operand);
                    break;
                case BoundIsFlag f:
                    Walk(f.Operand);
                    break;
                case BoundAtLeast a:
                    // A count reads what its member rules read.
                    if (depth++ < 16 && !a.Members.IsDefault)
                    {
                        foreach (var member in a.Members)
                        {
                            Walk(member);
                        }
                    }
                    depth--;
                    break;
                default:
                    _ = expression.NodeKind switch
                    {
                        // the other kinds read no input (no _: a new kind must be placed here or above)
                        BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                            or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                            or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => 0,
                    };
                    break;
            }
        }

        // `input op constant`: the input (as Walk describes it) with the constant in the observation's declared unit.
        RuleInputInfo? Threshold(BoundExpression input, BinaryOperator kind, BoundExpression constant)
        {
            var literal = constant switch
            {
                BoundQuantityLiteral q => q,
                BoundConstantReference { Constant.Value: BoundQuantityLiteral q } => q,
                _ => constant.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => null,
                },
            };
            if (literal is null)
            {
                return null;
            }

            var (observation, info) = input switch
            {
                BoundObservationValue o => (o.Observation, new RuleInputInfo { Kind = InputKind.Latest, Index = observations[o.Observation], Text = BoundExpressionPrinter.Print(o) }),
                BoundBaseline o => (o.Observation, new RuleInputInfo { Kind = InputKind.Baseline, Index = observations[o.Observation], Text = BoundExpressionPrinter.Print(o) }),
                BoundAggregate a => (a.Observation, new RuleInputInfo { Kind = InputKind.Aggregate, Index = observations[a.Observation], Aggregate = a.Kind, WindowSeconds = a.WindowSeconds, Text = BoundExpressionPrinter.Print(a) }),
                _ => input.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => ((ObservationSymbol?)null, (RuleInputInfo?)null),
                },
            };
            if (observation is null || info is null)
            {
                return null;
            }

            var aggregate = (input as BoundAggregate)?.Kind;
            if (aggregate == AggregateKind.Count)
            {
                return info with { Thresholds = [new ThresholdInfo(kind.Text(), literal.Value, null)] };
            }

            if (observation.Unit is not { } unit || observation.IsYesNo)
            {
                return null;
            }
            // Canonical -> declared; a sum or difference carries no single offset (offset units are not summed in practice).
            var offset = aggregate is AggregateKind.Sum or AggregateKind.Change ? 0 : unit.Offset;
            var value = Math.Round((literal.Value - offset) / unit.Factor, 10);
            return info with { Thresholds = [new ThresholdInfo(kind.Text(), value, unit.Code)] };
        }

        Walk(condition);
        return [.. inputs];
    }
}

/// <summary>
/// Where a protocol's extra conditions go in the results of <see cref="ProtocolRules.EvaluateRules"/>: after one slot
/// per rule, each rule's <c>until</c> then its <c>corrected when</c>, in rule order. Shared by the info, the emitter
/// and the interpreter so the three agree.
/// </summary>
public sealed class ConditionSlots
{
    private ConditionSlots(Dictionary<int, int> until, Dictionary<int, int> correction, int count)
    {
        Until = until;
        Correction = correction;
        Count = count;
    }

    /// <summary>Rule index → slot of its <c>until</c> condition.</summary>
    public IReadOnlyDictionary<int, int> Until { get; }

    /// <summary>Rule index → slot of its <c>corrected when</c> condition.</summary>
    public IReadOnlyDictionary<int, int> Correction { get; }

    public int Count { get; }

    public static ConditionSlots For(BoundProtocol protocol)
    {
        var until = new Dictionary<int, int>();
        var correction = new Dictionary<int, int>();
        var next = protocol.Rules.Length;
        for (var i = 0; i < protocol.Rules.Length; i++)
        {
            if (protocol.Rules[i].Until is not null)
            {
                until[i] = next++;
            }

            if (protocol.Rules[i].Correction is not null)
            {
                correction[i] = next++;
            }
        }
        return new ConditionSlots(until, correction, next);
    }

    /// <summary>The rules of the effective protocol in <paramref name="group"/>, in rule order.</summary>
    public static IEnumerable<RuleSymbol> Members(BoundProtocol protocol, string group) =>
        protocol.Rules.Where(r => r.Groups.Contains(group));
}
