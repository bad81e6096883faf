using System.Collections.Immutable;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Binding;

internal sealed partial class Binder
{
    private static readonly UcumUnit Grams = Ucum.Parse("g");

    private void BindScenarios(ProtocolFileSyntax root)
    {
        // Fixtures are checked once, on their own (a fixture may start from another); scenarios re-use the checked items.
        var fixtureStates = new Dictionary<FixtureSymbol, ScenarioState>();
        var inProgress = new HashSet<FixtureSymbol>();
        ScenarioState FixtureState(FixtureSymbol fixture)
        {
            if (fixtureStates.TryGetValue(fixture, out var done))
            {
                return done;
            }

            var report = fixture.ProtocolId == ProtocolId;
            var state = new ScenarioState();
            inProgress.Add(fixture);
            if (fixture.Syntax.Base is { IsMissing: false } baseName)
            {
                if (!_fixtures.TryGetValue(baseName.Text, out var baseFixture))
                {
                    if (report)
                    {
                        _diagnostics.ReportUndefinedFixture(baseName.Span, baseName.Text, _fixtures.Keys);
                    }
                }
                else if (inProgress.Contains(baseFixture))
                {
                    if (report)
                    {
                        _diagnostics.ReportFixtureCycle(baseName.Span, fixture.Name, baseName.Text);
                    }
                }
                else
                {
                    if (report)
                    {
                        Reference(baseName, baseFixture);
                    }

                    state = FixtureState(baseFixture).Copy();
                }
            }
            var own = new ScenarioState();
            foreach (var item in fixture.Syntax.Items)
            {
                if (item is ScenarioExpectSyntax expect)
                {
                    if (report)
                    {
                        _diagnostics.ReportExpectationInFixture(expect.Span);
                    }
                }
                else
                {
                    BindScenarioItem(item, own, report);
                }
            }
            state.Apply(own);
            inProgress.Remove(fixture);
            fixtureStates[fixture] = state;
            return state;
        }
        foreach (var fixture in _fixtures.Values)
        {
            FixtureState(fixture);
        }

        // For the scenarios translated from the previous binding: each fixture's values, by the span of their items.
        var valuesBySpan = new Dictionary<FixtureSymbol, Dictionary<TextSpan, ScenarioObservationValue>>();
        Dictionary<TextSpan, ScenarioObservationValue> FixtureValues(FixtureSymbol fixture)
        {
            if (!valuesBySpan.TryGetValue(fixture, out var values))
            {
                valuesBySpan[fixture] = values = [];
                foreach (var value in fixtureStates[fixture].Observations.Values.SelectMany(v => v))
                {
                    values.TryAdd(value.Span, value);
                }
            }

            return values;
        }

        var scenarios = ImmutableArray.CreateBuilder<BoundScenario>();
        for (var index = 0; index < root.Declarations.Length; index++)
        {
            if (root.Declarations[index] is not ScenarioDeclarationSyntax syntax || TryReuseScenario(syntax, index, scenarios, FixtureValues))
            {
                continue;
            }

            var (diagnosticCount, occurrenceCount) = (_diagnostics.Count, _occurrences.Count);
            var state = new ScenarioState();
            BoundScenario? overridden = null;
            if (syntax.IsOverride)
            {
                var inherited = _base?.AllScenarios.ToList() ?? [];
                overridden = inherited.FirstOrDefault(s => s.Title == syntax.Title?.Value);
                if (overridden is null && syntax.Title is { } title)
                {
                    _diagnostics.ReportOverrideWithoutInheritedScenario(title.Span, title.Value, inherited.Select(s => s.Title));
                }
                else if (overridden is not null && syntax.Fixture is null)
                {
                    // Without `using`, an override starts from the patient of the scenario it overrides.
                    state = ScenarioState.From(overridden);
                }
            }

            if (syntax.Fixture is { IsMissing: false } fixtureName)
            {
                if (_fixtures.TryGetValue(fixtureName.Text, out var fixture))
                {
                    Reference(fixtureName, fixture);
                    state = fixtureStates[fixture].Copy();
                }
                else
                {
                    _diagnostics.ReportUndefinedFixture(fixtureName.Span, fixtureName.Text, _fixtures.Keys);
                }
            }

            var own = new ScenarioState();
            ScenarioExpectSyntax? expectation = null;
            foreach (var item in syntax.Items)
            {
                if (item is ScenarioExpectSyntax expect)
                {
                    if (expectation is not null)
                    {
                        _diagnostics.ReportExpectationRepeated(expect.Span);
                    }

                    expectation ??= expect;
                    continue;
                }
                BindScenarioItem(item, own, report: true);
            }
            state.Apply(own);

            if (expectation is null)
            {
                _diagnostics.ReportScenarioWithoutExpectation(syntax.KeywordSpan, syntax.Title?.Value);
            }

            ImmutableArray<RuleSymbol>? expectedRules = null;
            if (expectation is { HasBecause: true })
            {
                var rules = ImmutableArray.CreateBuilder<RuleSymbol>();
                foreach (var name in expectation.Rules.Where(n => !n.IsMissing))
                {
                    if (_protocol.FindRule(name.Text) is { } rule)
                    {
                        Reference(name, rule);
                        rules.Add(rule);
                    }
                    else
                    {
                        _diagnostics.ReportScenarioExpectsUnknownRule(name.Span, name.Text, _protocol.Rules.Select(r => r.Name));
                    }
                }
                expectedRules = rules.ToImmutable();
            }

            var scenario = new BoundScenario(
                syntax.Title?.Value ?? "",
                syntax,
                state.Weight,
                [.. state.Events],
                [.. state.Doses],
                [.. state.Observations.Values.SelectMany(v => v)],
                expectation?.Action,
                expectedRules)
            {
                ProtocolId = ProtocolId,
                Overrides = overridden,
            };
            scenarios.Add(scenario);
            _records[index] = new ScenarioRecord(scenario, _diagnostics.Since(diagnosticCount), Since(_occurrences, occurrenceCount));
        }
        _protocol.Scenarios = scenarios.ToImmutable();
    }

    private void BindScenarioItem(ScenarioItemSyntax item, ScenarioState state, bool report)
    {
        // Items of an inherited fixture were checked in their own file: bind them again without reporting
        // diagnostics or name occurrences into this file.
        var (savedDiagnostics, savedRecording) = (_diagnostics, _recordOccurrences);
        if (!report)
        {
            (_diagnostics, _recordOccurrences) = (new DiagnosticBag(_diagnostics.Source), false);
        }

        try
        {
            switch (item)
            {
                case ScenarioWeightSyntax w:
                    if (w.Weight.Unit is null)
                    {
                        _diagnostics.ReportMissingUnit(w.Weight.NumberSpan, w.Weight.NumberText, "a weight", "kg");
                    }
                    else if (QuantityIn(w.Weight, Grams, null, "a weight") is { } grams)
                    {
                        if (grams <= 0)
                        {
                            _diagnostics.ReportWeightNotPositive(w.Span);
                        }
                        else
                        {
                            state.Weight = (w.Weight.Value, w.Weight.Unit.Code);
                        }
                    }
                    break;
                case ScenarioEventSyntax e:
                    // A record event the engine reserves (course-stop, cycle-start) needs no declaration here.
                    var type = IsReservedRecordEvent(e.Event) ? e.Event.Text : ResolveEvent(e.Event)?.Name;
                    if (Ago(e.Ago) is { } eventAgo && type is not null)
                    {
                        state.Events.Add(new ScenarioTimedEvent(type, eventAgo));
                    }

                    break;
                case ScenarioDoseSyntax d:
                    if (Ago(d.Ago) is { } doseAgo)
                    {
                        state.Doses.Add(new ScenarioDose(d.Given, doseAgo));
                    }

                    break;
                case ScenarioObservationSyntax o:
                    BindScenarioObservation(o, state);
                    break;
            }
        }
        finally
        {
            (_diagnostics, _recordOccurrences) = (savedDiagnostics, savedRecording);
        }
    }

    /// <summary>
    /// An event type the engine acts on whether or not the protocol declares it (<c>course-stop</c>,
    /// <c>cycle-start</c>). A declared event of that name is resolved as usual (so it is referenced).
    /// </summary>
    private bool IsReservedRecordEvent(NameSyntax name) =>
        !name.IsMissing && !_events.ContainsKey(name.Text)
        && name.Text is Runtime.Evaluation.CourseAssessment.CourseStopEvent or Runtime.Evaluation.PatientSnapshot.CycleStartEvent;

    private double? Ago(QuantitySyntax ago) => Duration(ago, "a scenario time ('2 h ago')");

    private void BindScenarioObservation(ScenarioObservationSyntax syntax, ScenarioState state)
    {
        if (syntax.Observation.IsMissing)
        {
            return;
        }

        if (!_observations.TryGetValue(syntax.Observation.Text, out var observation))
        {
            _diagnostics.ReportUndefinedName(syntax.Observation.Span, syntax.Observation.Text, "observation", _observations.Keys);
            return;
        }
        Reference(syntax.Observation, observation);
        var ago = Ago(syntax.Ago);
        if (ago is null)
        {
            return;
        }

        if (observation.IsYesNo)
        {
            if (syntax.Flag is not { } flag)
            {
                _diagnostics.ReportScenarioValueNotYesNo(syntax.ValueSpan, observation.Name);
                return;
            }
            state.Add(new ScenarioObservationValue(observation, null, null, flag, ago.Value, syntax.Span));
            return;
        }

        if (syntax.Value is not { } value || observation.Unit is null)
        {
            if (syntax.Flag is not null)
            {
                _diagnostics.ReportScenarioValueNotNumber(syntax.ValueSpan, observation.Name, observation.Unit?.Code);
            }

            return;
        }
        if (value.Unit is null)
        {
            _diagnostics.ReportMissingUnit(value.NumberSpan, value.NumberText, $"'{observation.Name}'", observation.Unit.Code);
            return;
        }
        // Checked here so a scenario with a unit the engine would reject fails at compile time, not in the test run.
        if (QuantityIn(value, observation.Unit, observation.MolarMass, $"'{observation.Name}'") is null)
        {
            return;
        }

        state.Add(new ScenarioObservationValue(observation, value.Value, value.Unit.Code, null, ago.Value, syntax.Span));
    }

    /// <summary>A patient state being assembled from fixture and scenario items.</summary>
    private sealed class ScenarioState
    {
        public (double Value, string Unit)? Weight { get; set; }

        public List<ScenarioTimedEvent> Events { get; private init; } = [];

        public List<ScenarioDose> Doses { get; private init; } = [];

        public Dictionary<string, List<ScenarioObservationValue>> Observations { get; private init; } = new(StringComparer.Ordinal);

        public void Add(ScenarioObservationValue value)
        {
            if (!Observations.TryGetValue(value.Observation.Name, out var list))
            {
                Observations[value.Observation.Name] = list = [];
            }

            list.Add(value);
        }

        /// <summary>The patient state of a bound scenario (an overridden base scenario).</summary>
        public static ScenarioState From(BoundScenario scenario)
        {
            var state = new ScenarioState
            {
                Weight = scenario.Weight,
                Events = [.. scenario.Events],
                Doses = [.. scenario.Doses],
            };
            foreach (var value in scenario.Observations)
            {
                state.Add(value);
            }

            return state;
        }

        public ScenarioState Copy() => new()
        {
            Weight = Weight,
            Events = [.. Events],
            Doses = [.. Doses],
            Observations = Observations.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal),
        };

        /// <summary>A scenario's own values of an observation replace the fixture's; its events and doses add to them.</summary>
        public void Apply(ScenarioState own)
        {
            Weight = own.Weight ?? Weight;
            Events.AddRange(own.Events);
            Doses.AddRange(own.Doses);
            foreach (var (name, values) in own.Observations)
            {
                Observations[name] = values;
            }
        }
    }
}
