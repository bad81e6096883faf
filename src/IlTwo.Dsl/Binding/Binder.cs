using System.Collections.Immutable;
using System.Runtime.InteropServices;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Records;
using IlTwo.Runtime.Units;

namespace IlTwo.Dsl.Binding;

/// <summary>
/// Binds one file's syntax tree on top of its (already bound) base protocol: declares symbols, resolves
/// names, checks types and units, merges inherited rules and regimen. Reports into the file's bag; never throws.
/// </summary>
internal sealed partial class Binder
{
    private readonly SyntaxTree _tree;
    private readonly BoundProtocol? _base;
    private DiagnosticBag _diagnostics;
    private bool _recordOccurrences = true;
    private readonly BoundProtocol _protocol;
    private readonly List<SymbolOccurrence> _occurrences = [];

    private readonly Dictionary<string, ReferenceSymbol> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventSymbol> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObservationSymbol> _observations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConstantSymbol> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FixtureSymbol> _fixtures = new(StringComparer.Ordinal);
    private readonly HashSet<ConstantSymbol> _bindingConstants = [];

    private Binder(SyntaxTree tree, BoundProtocol? @base, DiagnosticBag diagnostics, BoundProtocol? previous)
    {
        _tree = tree;
        _base = @base;
        _diagnostics = diagnostics;
        _protocol = new BoundProtocol(tree, @base);
        _reuse = Reuse.Create(previous, tree, @base);
        _records = new DeclarationRecord?[tree.Root.Declarations.Length];
        if (_reuse is not null)
        {
            // About as many as the previous version had: the list is not grown step by step.
            _occurrences.Capacity = previous!.Occurrences.Length + 64;
        }
    }

    private string ProtocolId => _protocol.Id;

    /// <param name="previous">
    /// The binding of the version of the file <paramref name="tree"/> was incrementally parsed from, if any: the rules and
    /// scenarios an edit did not touch are then translated from it instead of bound again (the result is the same).
    /// </param>
    public static BoundProtocol Bind(SyntaxTree tree, BoundProtocol? @base, DiagnosticBag diagnostics, BoundProtocol? previous = null)
    {
        var binder = new Binder(tree, @base, diagnostics, previous);
        binder.BindAll();
        return binder._protocol;
    }

    private void BindAll()
    {
        var root = _tree.Root;
        BindHeader(root);
        Inherit();
        BindClaims(root);

        foreach (var declaration in root.Declarations)
        {
            switch (declaration)
            {
                case ReferenceDeclarationSyntax r:
                    Declare(_references, r.Name, n => new ReferenceSymbol(n, Location(r.Name), ProtocolId, r.Title?.Value ?? n, r.Doi?.Value, r.Url?.Value));
                    break;
                case EventDeclarationSyntax e:
                    Declare(_events, e.Name, n => new EventSymbol(n, Location(e.Name), ProtocolId, e.Title?.Value, BindCodes(e.Codes)));
                    break;
                case ObservationDeclarationSyntax { IsOverride: true } o:
                    DeclareOverride(o);
                    break;
                case ObservationDeclarationSyntax o:
                    Declare(_observations, o.Name, n => new ObservationSymbol(n, Location(o.Name), ProtocolId) { Syntax = o });
                    break;
                case ConstantDeclarationSyntax c:
                    Declare(_constants, c.Name, n => new ConstantSymbol(n, Location(c.Name), ProtocolId, c));
                    break;
                case FixtureDeclarationSyntax f:
                    Declare(_fixtures, f.Name, n => new FixtureSymbol(n, Location(f.Name), ProtocolId, f));
                    break;
            }
        }

        // Names of every kind live in one namespace, so `sbp` can never mean two things.
        ReportCrossKindClashes();

        for (var index = 0; index < root.Declarations.Length; index++)
        {
            if (root.Declarations[index] is ObservationDeclarationSyntax observation
                && _observations.TryGetValue(observation.Name.Text, out var symbol) && symbol.Syntax == observation)
            {
                BindOrReuseObservation(symbol, observation, index);
            }
        }
        foreach (var constant in _constants.Values.Where(c => c.ProtocolId == ProtocolId))
        {
            BindConstant(constant);
        }

        BindRegimen(root);
        BindRules(root);
        BindScenarios(root);

        _protocol.References = [.. _references.Values];
        _protocol.Events = [.. _events.Values];
        _protocol.Observations = [.. _observations.Values];
        _protocol.Constants = [.. _constants.Values];
        _protocol.Fixtures = [.. _fixtures.Values.Where(f => f.ProtocolId == ProtocolId)];
        _protocol.Occurrences = InSourceOrder(_occurrences);
        _protocol.Records = _records;
    }

    /// <summary>The occurrences by start, those that start together in the order they were found (a stable sort, in one copy).</summary>
    private static ImmutableArray<SymbolOccurrence> InSourceOrder(List<SymbolOccurrence> occurrences)
    {
        var items = occurrences.ToArray();
        var keys = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = ((long)items[i].Span.Start << 32) | (uint)i;
        }

        Array.Sort(keys, items);
        return ImmutableCollectionsMarshal.AsImmutableArray(items);
    }

    // ------------------------------------------------------------ header and inheritance

    private void BindHeader(ProtocolFileSyntax root)
    {
        var protocol = root.OfKind<ProtocolDeclarationSyntax>().ToList();
        if (protocol.Count == 0)
        {
            if (!root.Declarations.IsEmpty)
            {
                _diagnostics.ReportMissingProtocolDeclaration(new TextSpan(0, 0), DefaultId());
            }

            _protocol.Id = DefaultId();
        }
        else
        {
            _protocol.Id = protocol[0].Name.IsMissing ? DefaultId() : protocol[0].Name.Text;
            foreach (var extra in protocol.Skip(1))
            {
                _diagnostics.ReportDuplicateHeaderItem(extra.KeywordSpan, HeaderItem.Protocol);
            }
        }

        var titles = root.OfKind<TitleDeclarationSyntax>().ToList();
        _protocol.Title = titles.FirstOrDefault()?.Title?.Value;
        foreach (var extra in titles.Skip(1))
        {
            _diagnostics.ReportDuplicateHeaderItem(extra.KeywordSpan, HeaderItem.Title);
        }

        var versions = root.OfKind<VersionDeclarationSyntax>().ToList();
        var version = versions.FirstOrDefault();
        if (version is not null && version.VersionText.Length > 0)
        {
            if (SemanticVersionProblem(version.VersionText) is { } problem)
            {
                _diagnostics.ReportInvalidVersion(version.VersionSpan, version.VersionText, problem);
            }

            _protocol.Version = version.VersionText;
        }
        foreach (var extra in versions.Skip(1))
        {
            _diagnostics.ReportDuplicateHeaderItem(extra.KeywordSpan, HeaderItem.Version);
        }

        if (protocol.Count > 0 && !root.Declarations.IsEmpty)
        {
            var at = protocol[0].Span;
            if (titles.Count == 0)
            {
                _diagnostics.ReportMissingHeaderItem(at, _protocol.Id, HeaderItem.Title);
            }

            if (versions.Count == 0)
            {
                _diagnostics.ReportMissingHeaderItem(at, _protocol.Id, HeaderItem.Version);
            }
        }

        foreach (var extra in root.OfKind<ExtendsDeclarationSyntax>().Skip(1))
        {
            _diagnostics.ReportExtendsNotFirst(extra.KeywordSpan);
        }
    }

    /// <summary>Claims name a protocol of the extends chain (bound here) or any protocol the compilation can resolve by id.</summary>
    private void BindClaims(ProtocolFileSyntax root)
    {
        var claims = ImmutableArray.CreateBuilder<ClaimSymbol>();
        foreach (var claim in root.OfKind<ClaimDeclarationSyntax>())
        {
            if (claim.Target.IsMissing)
            {
                continue;
            }

            var id = claim.Target.Text;
            if (id == ProtocolId)
            {
                _diagnostics.ReportInvalidClaim(claim.Target.Span, id, ClaimProblem.Itself);
                continue;
            }
            if (claims.Any(c => c.TargetId == id))
            {
                _diagnostics.ReportDuplicateClaim(claim.KeywordSpan, id);
                continue;
            }
            var target = _base?.Lineage.FirstOrDefault(p => p.Id == id);
            if (target is not null)
            {
                _occurrences.Add(new SymbolOccurrence(claim.Target.Span, new ProtocolReferenceSymbol(target), false));
            }

            claims.Add(new ClaimSymbol(id, target, claim.Target.Span, claim.Span));
        }
        _protocol.Claims = claims.ToImmutable();
    }

    /// <summary>What breaks SemVer 2.0 in a version the lexer accepted (leading zeros, empty pre-release identifiers); null when valid.</summary>
    internal static string? SemanticVersionProblem(string version)
    {
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var core = dash < 0 ? version : version[..dash];
        if (core.Split('.').Any(part => part.Length > 1 && part[0] == '0'))
        {
            return "a version number has no leading zeros (write 1.0.0, not 01.0.0)";
        }

        if (dash < 0)
        {
            return null;
        }

        foreach (var identifier in version[(dash + 1)..].Split('.'))
        {
            if (identifier.Length == 0)
            {
                return "a pre-release part has no empty identifiers (write 1.0.0-rc.1)";
            }

            if (identifier.Length > 1 && identifier[0] == '0' && identifier.All(char.IsAsciiDigit))
            {
                return "a numeric pre-release identifier has no leading zeros";
            }
        }
        return null;
    }

    private string DefaultId() => Path.GetFileNameWithoutExtension(_tree.Text.Path) is { Length: > 0 } name ? name : "untitled";

    private void Inherit()
    {
        if (_base is null)
        {
            return;
        }

        foreach (var r in _base.References)
        {
            _references[r.Name] = r;
        }

        foreach (var e in _base.Events)
        {
            _events[e.Name] = e;
        }

        foreach (var o in _base.Observations)
        {
            _observations[o.Name] = o;
        }

        foreach (var c in _base.Constants)
        {
            _constants[c.Name] = c;
        }

        foreach (var f in _base.Fixtures)
        {
            _fixtures[f.Name] = f;
        }

        if (_tree.Root.OfKind<ExtendsDeclarationSyntax>().FirstOrDefault() is { } extends)
        {
            _occurrences.Add(new SymbolOccurrence(extends.Name.Span, new ProtocolReferenceSymbol(_base), false));
        }
    }

    private void Declare<T>(Dictionary<string, T> table, NameSyntax name, Func<string, T> create) where T : Symbol
    {
        if (name.IsMissing)
        {
            return;
        }

        if (table.TryGetValue(name.Text, out var existing))
        {
            _diagnostics.ReportDuplicateName(name.Span, name.Text, LineOf(existing), existing.ProtocolId);
            return;
        }
        Add(table, name, create(name.Text));
    }

    /// <summary>Enters a declared (or overriding) symbol under its name and records the declaration for the editor.</summary>
    private void Add<T>(Dictionary<string, T> table, NameSyntax name, T symbol) where T : Symbol
    {
        table[name.Text] = symbol;
        _occurrences.Add(new SymbolOccurrence(name.Span, symbol, true));
    }

    private void ReportCrossKindClashes()
    {
        var seen = new Dictionary<string, Symbol>(StringComparer.Ordinal);
        foreach (var symbol in _observations.Values.Cast<Symbol>().Concat(_constants.Values))
        {
            if (seen.TryGetValue(symbol.Name, out var other) && (symbol.ProtocolId == ProtocolId || other.ProtocolId == ProtocolId))
            {
                var mine = symbol.ProtocolId == ProtocolId ? symbol : other;
                _diagnostics.ReportObservationAndConstantShareName(mine.Location.Span, symbol.Name);
            }
            seen[symbol.Name] = symbol;
        }
    }

    private SymbolLocation Location(NameSyntax name) => new(_tree.Text, name.Span);

    private void Reference(NameSyntax name, Symbol symbol)
    {
        if (_recordOccurrences)
        {
            _occurrences.Add(new SymbolOccurrence(name.Span, symbol, false));
        }
    }

    // ------------------------------------------------------------ observations

    /// <summary>
    /// <c>override observation NAME</c>: a new symbol for the inherited observation, starting from the inherited
    /// declaration; <see cref="BindObservation"/> then applies the override's items on top.
    /// </summary>
    private void DeclareOverride(ObservationDeclarationSyntax syntax)
    {
        var name = syntax.Name;
        if (name.IsMissing)
        {
            return;
        }

        if (!_observations.TryGetValue(name.Text, out var inherited) || inherited.ProtocolId == ProtocolId)
        {
            _diagnostics.ReportOverrideWithoutInheritedObservation(name.Span, name.Text, declaredHere: inherited is not null,
                _observations.Values.Where(o => o.ProtocolId != ProtocolId).Select(o => o.Name));
            return;
        }
        var symbol = new ObservationSymbol(name.Text, Location(name), ProtocolId)
        {
            Syntax = syntax,
            Overrides = inherited,
            Title = inherited.Title,
            IsYesNo = inherited.IsYesNo,
            Unit = inherited.Unit,
            LoincCodes = inherited.LoincCodes,
            RecencySeconds = inherited.RecencySeconds,
            Range = inherited.Range,
            ReportedTo = inherited.ReportedTo,
            MolarMass = inherited.MolarMass,
            IsOptional = inherited.IsOptional,
        };
        Add(_observations, name, symbol);
    }

    /// <summary>
    /// An observation's items. For an <c>override observation</c> they apply on top of the inherited declaration: LOINC
    /// codes are added; within, range, reported to and molar mass replace (an inherited <c>reported to</c> is kept unless
    /// replaced); <c>optional</c> / <c>required</c> set or clear the inherited <c>optional</c>. The unit (and yes/no) may be
    /// repeated but must equal the inherited one: inherited thresholds are written in it.
    /// </summary>
    private void BindObservation(ObservationSymbol symbol, ObservationDeclarationSyntax syntax)
    {
        var inherited = symbol.Overrides;
        if (inherited is null)
        {
            symbol.Title = syntax.Title?.Value;
            symbol.IsYesNo = syntax.IsYesNo;
        }
        else if (syntax.Title is { } title)
        {
            symbol.Title = title.Value;
        }
        if (inherited is not null && syntax.IsYesNo != inherited.IsYesNo && (syntax.IsYesNo || syntax.Items.OfType<UnitItemSyntax>().Any()))
        {
            _diagnostics.ReportOverrideChangesKind(syntax.Name.Span, symbol.Name, inherited.IsYesNo);
        }
        var seen = new HashSet<Type>();
        var codes = symbol.LoincCodes.ToList();
        var added = new List<(string Code, TextSpan Span)>();
        foreach (var item in syntax.Items)
        {
            // In an override, 'required' clears what 'optional' sets: giving both is giving one item twice.
            var kind = inherited is not null && item is RequiredItemSyntax ? typeof(OptionalItemSyntax) : item.GetType();
            if (item is not LoincItemSyntax && !seen.Add(kind))
            {
                _diagnostics.ReportObservationItemRepeated(item.Span, FirstWord(item), symbol.Name);
                continue;
            }
            switch (item)
            {
                case LoincItemSyntax loinc when loinc.Code.Length > 0:
                    if (added.Any(c => c.Code == loinc.Code))
                    {
                        _diagnostics.ReportLoincCodeRepeated(loinc.CodeSpan, loinc.Code, symbol.Name);
                    }
                    else
                    {
                        added.Add((loinc.Code, loinc.CodeSpan));
                        if (!codes.Contains(loinc.Code))
                        {
                            codes.Add(loinc.Code);
                        }
                    }
                    break;
                case UnitItemSyntax { Unit: { } unit }:
                    if (symbol.IsYesNo)
                    {
                        _diagnostics.ReportUnitOnYesNo(unit.Span, symbol.Name);
                    }
                    else if (inherited is null)
                    {
                        symbol.Unit = ResolveUnit(unit);
                    }
                    else if (ResolveUnit(unit) is { } resolved && inherited.Unit is { } old && resolved.Code != old.Code)
                    {
                        _diagnostics.ReportOverrideChangesUnit(unit.Span, symbol.Name, old.Code);
                    }

                    break;
                case WithinItemSyntax within:
                    symbol.RecencySeconds = Duration(within.Window, "a recency window");
                    break;
                case MolarMassItemSyntax molar:
                    symbol.MolarMass = MolarMass(molar.MolarMass);
                    break;
                case OptionalItemSyntax:
                    symbol.IsOptional = true;
                    break;
                case RequiredItemSyntax when inherited is not null:
                    symbol.IsOptional = false;
                    break;
                case RequiredItemSyntax required:
                    _diagnostics.ReportRequiredOutsideOverride(required.Span);
                    break;
            }
        }

        if (inherited is null && !symbol.IsYesNo && symbol.Unit is null && !syntax.Items.OfType<UnitItemSyntax>().Any())
        {
            _diagnostics.ReportObservationWithoutUnit(syntax.Name.Span, symbol.Name);
        }

        if (inherited is null && symbol.RecencySeconds is null && !syntax.Items.OfType<WithinItemSyntax>().Any())
        {
            _diagnostics.ReportMissingRecency(syntax.Name.Span, symbol.Name, syntax.Span, UsualRecencyWindow());
        }

        // The range needs the unit, wherever it was written.
        foreach (var range in syntax.Items.OfType<RangeItemSyntax>().Take(1))
        {
            symbol.Range = BindRange(symbol, range);
        }

        foreach (var precision in syntax.Items.OfType<ReportedToItemSyntax>().Take(1))
        {
            symbol.ReportedTo = BindReportedTo(symbol, precision);
        }

        symbol.LoincCodes = [.. codes];
        foreach (var (code, span) in added)
        {
            CheckLoinc(symbol, code, span);
        }
    }

    private static string FirstWord(SyntaxNode node) => node switch
    {
        UnitItemSyntax => "unit",
        WithinItemSyntax => "within",
        RangeItemSyntax => "range",
        MolarMassItemSyntax => "molar mass",
        ReportedToItemSyntax => "reported to",
        OptionalItemSyntax => "optional",
        RequiredItemSyntax => "required",
        _ => "item",
    };

    private (double, double)? BindRange(ObservationSymbol symbol, RangeItemSyntax range)
    {
        if (symbol.IsYesNo)
        {
            _diagnostics.ReportInvalidRange(range.Span, RangeProblem.OnYesNo);
            return null;
        }
        if (symbol.Unit is null)
        {
            return null;
        }

        var low = QuantityIn(range.Low, symbol.Unit, symbol.MolarMass, "the range");
        var high = QuantityIn(range.High, symbol.Unit, symbol.MolarMass, "the range");
        if (low is null || high is null)
        {
            return null;
        }

        if (low >= high)
        {
            _diagnostics.ReportInvalidRange(range.Span, RangeProblem.LowNotBelowHigh);
            return null;
        }
        return (low.Value, high.Value);
    }

    /// <summary>
    /// The reporting precision in the observation's declared unit: positive, finite and of the observation's own dimension
    /// (never through a molar mass: a laboratory reports in one unit).
    /// </summary>
    private double? BindReportedTo(ObservationSymbol symbol, ReportedToItemSyntax item)
    {
        var quantity = item.Precision;
        if (symbol.IsYesNo)
        {
            _diagnostics.ReportReportingPrecisionOnYesNo(item.Span, quantity.ToString(), symbol.Name);
            return null;
        }
        if (symbol.Unit is null || double.IsNaN(quantity.Value))
        {
            return null;
        }

        if (quantity.Unit is null)
        {
            _diagnostics.ReportMissingUnit(quantity.NumberSpan, quantity.NumberText, "the reporting precision", symbol.Unit.Code);
            return null;
        }
        var unit = ResolveUnit(quantity.Unit, symbol.Unit);
        if (unit is null)
        {
            return null;
        }

        if (!Ucum.AreCommensurable(unit, symbol.Unit))
        {
            _diagnostics.ReportReportingPrecisionDimension(quantity.Span, quantity.ToString(), unit.Dimension.Describe(), symbol.Name, symbol.Unit.Code, symbol.Unit.Dimension.Describe());
            return null;
        }
        var value = quantity.Value * unit.Factor / symbol.Unit.Factor;
        if (!(value > 0) || !double.IsFinite(value))
        {
            _diagnostics.ReportReportingPrecisionNotPositive(quantity.Span, quantity.ToString(), symbol.Name);
            return null;
        }
        return value;
    }

    private void CheckLoinc(ObservationSymbol symbol, string code, TextSpan span)
    {
        if (LoincTable.Find(code) is not { } entry)
        {
            _diagnostics.ReportUnknownLoincCode(span, code);
            return;
        }

        var words = $"{symbol.Name} {symbol.Title}";
        if (entry.ConflictsWith(words) is { } conflict)
        {
            _diagnostics.ReportLoincNameConflict(span, code, entry.Name, symbol.Name, conflict);
            return;
        }

        if (entry.IsYesNo != symbol.IsYesNo)
        {
            _diagnostics.ReportLoincKindMismatch(span, code, entry.Name, entry.IsYesNo, symbol.Name);
            return;
        }
        if (symbol.Unit is null || entry.ReferenceUnit is null)
        {
            return;
        }

        var reference = Ucum.Parse(entry.ReferenceUnit);
        if (Ucum.AreCommensurable(reference, symbol.Unit))
        {
            return;
        }

        if (Ucum.TryGetConversion(reference, symbol.Unit, symbol.MolarMass, out _, out _))
        {
            return; // e.g. a molar creatinine code on a mass-unit observation with its molar mass declared
        }

        var needsMolarMass = symbol.MolarMass is null && Ucum.TryGetConversion(reference, symbol.Unit, 1.0, out _, out _);
        if (needsMolarMass)
        {
            _diagnostics.ReportMolarMassForLoinc(span, code, entry.Name, reference.Dimension.Describe(), symbol.Name, symbol.Unit.Code);
        }
        else
        {
            _diagnostics.ReportLoincUnitMismatch(span, code, entry.Name, reference.Dimension.Describe(), entry.ReferenceUnit, symbol.Name, symbol.Unit.Code, symbol.Unit.Dimension.Describe());
        }
    }

    // ------------------------------------------------------------ quantities

    /// <summary>
    /// The recency window (as written, <c>4 h</c>) that most observations declared so far give, in this file and those it
    /// extends; ties go to the one written first. Null when none gives one. Offered, not applied, for a missing window.
    /// </summary>
    private string? UsualRecencyWindow() =>
        _observations.Values
            .Select(o => o.Syntax?.Items.OfType<WithinItemSyntax>().FirstOrDefault()?.Window)
            .OfType<QuantitySyntax>()
            .Where(w => w.Unit is not null && !double.IsNaN(w.Value))
            .GroupBy(w => w.ToString(), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => g.Key)
            .FirstOrDefault();

    /// <param name="expected">
    /// The unit the value is compared with or read in (an observation's), when known: the fixes offered for an unknown
    /// unit then stay in its dimension (a creatinine threshold written 'mgdL' is offered mg/dL, never mm[Hg]).
    /// </param>
    private UcumUnit? ResolveUnit(UnitSyntax unit, UcumUnit? expected = null)
    {
        if (Ucum.TryParse(unit.Code, out var parsed, out var error))
        {
            return parsed;
        }

        var suggestion = Ucum.SuggestionFor(unit.Code);
        if (expected is null)
        {
            _diagnostics.ReportUnknownUnit(unit.Span, unit.Code, error, suggestion);
            return null;
        }

        if (suggestion is not null && !(Ucum.TryParse(suggestion, out var suggested, out _) && Ucum.AreCommensurable(suggested, expected)))
        {
            suggestion = null; // a spelling of another dimension would only trade this error for an incompatible-units one
        }

        var near = Ucum.CommonUnitsCommensurableWith(expected)
            .Append(expected.Code)
            .Distinct(StringComparer.Ordinal)
            .Select(code => (Code: code, Distance: Levenshtein.Distance(unit.Code.ToLowerInvariant(), code.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(1, unit.Code.Length / 2))
            .OrderBy(c => c.Distance).ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();

        // One edit away from a unit of the right dimension ('mgdL', 'mmol/l' for 'mmol/L'): that is the spelling meant.
        suggestion ??= near.FirstOrDefault(c => c.Distance <= 1).Code;
        _diagnostics.ReportUnknownUnit(unit.Span, unit.Code, error, suggestion, [expected.Code, .. near.Select(c => c.Code)]);
        return null;
    }

    /// <summary>A quantity converted to canonical units, checked against a dimension. Reports and returns null on failure.</summary>
    private double? QuantityIn(QuantitySyntax quantity, UcumUnit target, double? molarMass, string what)
    {
        if (double.IsNaN(quantity.Value))
        {
            return null;
        }

        if (quantity.Unit is null)
        {
            _diagnostics.ReportMissingUnit(quantity.NumberSpan, quantity.NumberText, what, target.Code);
            return null;
        }
        var unit = ResolveUnit(quantity.Unit, target);
        if (unit is null)
        {
            return null;
        }

        if (!Ucum.TryGetConversion(unit, target, molarMass, out var conversion, out var error))
        {
            if (error.Contains("molar mass", StringComparison.Ordinal))
            {
                _diagnostics.ReportMolarMassForQuantity(quantity.Unit.Span, quantity.ToString(), what, target.Code);
            }
            else
            {
                _diagnostics.ReportIncompatibleUnits(quantity.Unit.Span, quantity.ToString(), what, error);
            }

            return null;
        }
        return conversion.Apply(quantity.Value) * target.Factor + target.Offset;
    }

    private static readonly UcumUnit Seconds = Ucum.Parse("s");
    private static readonly UcumUnit GramsPerMole = Ucum.Parse("g/mol");

    private double? Duration(QuantitySyntax quantity, string what)
    {
        if (double.IsNaN(quantity.Value))
        {
            return null;
        }

        if (quantity.Unit is null)
        {
            _diagnostics.ReportMissingDurationUnit(quantity.NumberSpan, quantity.NumberText, what);
            return null;
        }
        var unit = ResolveUnit(quantity.Unit, Seconds);
        if (unit is null)
        {
            return null;
        }

        if (!Ucum.AreCommensurable(unit, Seconds))
        {
            _diagnostics.ReportNotADuration(quantity.Unit.Span, what, unit.Dimension.Describe());
            return null;
        }
        var seconds = quantity.Value * unit.Factor;
        if (seconds < 0)
        {
            _diagnostics.ReportNegativeDuration(quantity.Span, what);
            return null;
        }
        return seconds;
    }

    private double? MolarMass(QuantitySyntax quantity)
    {
        var value = QuantityIn(quantity, GramsPerMole, null, "a molar mass");
        if (value is <= 0)
        {
            _diagnostics.ReportMolarMassNotPositive(quantity.Span, quantity.ToString());
            return null;
        }
        return value is null ? null : value / GramsPerMole.Factor;
    }

    private int? Count(QuantitySyntax quantity, string what)
    {
        if (double.IsNaN(quantity.Value))
        {
            return null;
        }

        if (quantity.Value < 1 || quantity.Value != Math.Floor(quantity.Value) || quantity.Value > 100_000)
        {
            _diagnostics.ReportExpectedCount(quantity.Span, what);
            return null;
        }
        return (int)quantity.Value;
    }

    // ------------------------------------------------------------ regimen

    /// <summary>Keeps the well-formed codes: <c>system|code</c> with both parts non-empty, or a bare non-empty code.</summary>
    private ImmutableArray<string> BindCodes(ImmutableArray<StringLiteralSyntax> codes)
    {
        var bound = ImmutableArray.CreateBuilder<string>();
        foreach (var code in codes)
        {
            var parts = code.Value.Split('|');
            if (parts.Length > 2 || parts.Any(string.IsNullOrWhiteSpace))
            {
                _diagnostics.ReportInvalidCode(code.Span, code.Value);
            }
            else if (!bound.Contains(code.Value))
            {
                bound.Add(code.Value);
            }
        }
        return bound.ToImmutable();
    }

    private void BindRegimen(ProtocolFileSyntax root)
    {
        var regimen = _base?.Regimen ?? new BoundRegimen();
        var declarations = root.OfKind<RegimenDeclarationSyntax>().ToList();
        foreach (var extra in declarations.Skip(1))
        {
            _diagnostics.ReportRegimenItemRepeated(extra.KeywordSpan, block: true);
        }

        if (declarations.FirstOrDefault() is { } declaration)
        {
            var seen = new HashSet<string>();
            var citations = ImmutableArray.CreateBuilder<BoundCitation>();
            foreach (var item in declaration.Items)
            {
                var key = item switch
                {
                    MaxDosesItemSyntax m => "max-" + m.Scope,
                    RegimenCitationItemSyntax => null,
                    _ => item.GetType().Name,
                };
                if (key is not null && !seen.Add(key))
                {
                    _diagnostics.ReportRegimenItemRepeated(item.Span, block: false);
                    continue;
                }
                switch (item)
                {
                    case DrugItemSyntax d when !d.Drug.IsMissing:
                        regimen = regimen with { Drug = d.Drug.Text, DrugCodes = BindCodes(d.Codes) };
                        break;
                    case DoseItemSyntax d:
                        if (d.Dose.Unit is null)
                        {
                            _diagnostics.ReportMissingUnit(d.Dose.NumberSpan, d.Dose.NumberText, "a dose", "[iU]/kg");
                        }
                        else if (ResolveUnit(d.Dose.Unit) is not null)
                        {
                            regimen = regimen with { DoseValue = d.Dose.Value, DoseUnit = d.Dose.Unit.Code };
                        }

                        break;
                    case RouteItemSyntax r when !r.Route.IsMissing:
                        regimen = regimen with { Route = r.Route.Text };
                        break;
                    case IntervalItemSyntax i:
                        var shortest = Duration(i.Shortest, "the dosing interval");
                        var longest = i.Longest is null ? null : Duration(i.Longest, "the longest dosing interval");
                        if (shortest is not null && longest is not null && longest < shortest)
                        {
                            _diagnostics.ReportInvalidRange(i.Span, RangeProblem.LongestBelowShortest);
                        }
                        else if (shortest is not null)
                        {
                            regimen = regimen with { MinIntervalSeconds = shortest, MaxIntervalSeconds = longest };
                        }

                        break;
                    case MaxDosesItemSyntax m:
                        var count = Count(m.Count, "the most doses");
                        if (m.CountsSlots && m.Scope == DoseLimitScope.Cycle)
                        {
                            _diagnostics.ReportDoseSlotsPerCycle(m.Span);
                        }
                        else if (count is not null)
                        {
                            regimen = m.Scope == DoseLimitScope.Cycle
                                ? regimen with { MaxDosesPerCycle = count }
                                : regimen with { MaxDosesPerCourse = count, CourseCapCountsSlots = m.CountsSlots };
                        }

                        break;
                    case FirstDoseWindowItemSyntax f:
                        var earliest = Duration(f.Earliest, "the first-dose window");
                        var latest = Duration(f.Latest, "the first-dose window");
                        var @event = ResolveEvent(f.Event);
                        if (earliest is not null && latest is not null && latest < earliest)
                        {
                            _diagnostics.ReportInvalidRange(f.Span, RangeProblem.FirstDoseEndsBeforeStart);
                        }
                        else if (earliest is not null && latest is not null && @event is not null)
                        {
                            regimen = regimen with { FirstDose = new BoundFirstDoseWindow(earliest.Value, latest.Value, @event) };
                        }

                        break;
                    case RegimenCitationItemSyntax c:
                        citations.Add(BindCitation(c.Citation));
                        break;
                }
            }
            if (citations.Count > 0)
            {
                regimen = regimen with { Citations = citations.ToImmutable() };
            }

            if (regimen.MinIntervalSeconds is null)
            {
                _diagnostics.ReportRegimenWithoutInterval(declaration.KeywordSpan);
            }

            if (regimen.Drug is null)
            {
                _diagnostics.ReportRegimenWithoutDrug(declaration.KeywordSpan);
            }
        }
        else if (_base is null && !root.Declarations.IsEmpty && root.OfKind<ProtocolDeclarationSyntax>().Any())
        {
            _diagnostics.ReportMissingRegimen(root.OfKind<ProtocolDeclarationSyntax>().First().Span);
        }
        _protocol.Regimen = regimen;
    }

    private EventSymbol? ResolveEvent(NameSyntax name)
    {
        if (name.IsMissing)
        {
            return null;
        }

        if (_events.TryGetValue(name.Text, out var symbol))
        {
            Reference(name, symbol);
            return symbol;
        }
        _diagnostics.ReportUndefinedEvent(name.Span, name.Text, _events.Keys);
        return null;
    }

    private BoundCitation BindCitation(CitationSyntax citation)
    {
        switch (citation)
        {
            case CiteSyntax cite:
                ReferenceSymbol? reference = null;
                if (!cite.Reference.IsMissing)
                {
                    if (_references.TryGetValue(cite.Reference.Text, out reference))
                    {
                        Reference(cite.Reference, reference);
                    }
                    else
                    {
                        _diagnostics.ReportUndefinedReference(cite.Reference.Span, cite.Reference.Text, _references.Keys);
                    }
                }
                return new BoundCitation(reference, cite.Locator?.Value, false, null, cite.Span);
            case UnverifiedSyntax unverified:
                return new BoundCitation(null, null, true, unverified.Note?.Value, unverified.Span);
            default:
                return new BoundCitation(null, null, true, null, citation.Span);
        }
    }

    /// <summary>The 1-based line of a symbol declared in this protocol, or null for an inherited one.</summary>
    private int? LineOf(Symbol symbol) =>
        symbol.ProtocolId == ProtocolId ? symbol.Location.Source.GetLinePosition(symbol.Location.Span.Start).Line + 1 : null;

    // ------------------------------------------------------------ rules

    private void BindRules(ProtocolFileSyntax root)
    {
        var inherited = _base?.Rules ?? [];
        var effective = inherited.ToList();
        var removed = ImmutableArray.CreateBuilder<RemovedRule>();
        var own = new Dictionary<string, RuleSymbol>(StringComparer.Ordinal);

        foreach (var remove in root.OfKind<RemoveRuleDeclarationSyntax>())
        {
            if (remove.Name.IsMissing)
            {
                continue;
            }

            var index = effective.FindIndex(r => r.Name == remove.Name.Text);
            if (index < 0 || effective[index].ProtocolId == ProtocolId)
            {
                _diagnostics.ReportRemoveUnknownRule(remove.Name.Span, remove.Name.Text, inherited.Select(r => r.Name));
                continue;
            }
            Reference(remove.Name, effective[index]);
            removed.Add(new RemovedRule(effective[index], remove.Reason?.Value, remove.Span));
            effective.RemoveAt(index);
        }

        for (var index = 0; index < root.Declarations.Length; index++)
        {
            if (root.Declarations[index] is not RuleDeclarationSyntax syntax || syntax.Name.IsMissing)
            {
                continue;
            }

            var id = syntax.Name.Text;
            var symbol = new RuleSymbol(id, Location(syntax.Name), ProtocolId, syntax);
            if (own.TryGetValue(id, out var first))
            {
                _diagnostics.ReportDuplicateName(syntax.Name.Span, id, LineOf(first));
                continue;
            }
            own[id] = symbol;
            _occurrences.Add(new SymbolOccurrence(syntax.Name.Span, symbol, true));

            // Inherited rules stay at the front (removed ones leave it, new ones go after it): only that part can match.
            var inheritedIndex = effective.FindIndex(0, inherited.Length - removed.Count, r => r.Name == id && r.ProtocolId != ProtocolId);
            if (syntax.IsOverride)
            {
                if (inheritedIndex < 0)
                {
                    _diagnostics.ReportOverrideWithoutInheritedRule(syntax.Name.Span, id, inherited.Select(r => r.Name));
                    effective.Add(symbol);
                }
                else
                {
                    symbol.Overrides = effective[inheritedIndex];
                    effective[inheritedIndex] = symbol;
                }
            }
            else if (inheritedIndex >= 0)
            {
                _diagnostics.ReportShadowsInheritedRule(syntax.Name.Span, id, effective[inheritedIndex].ProtocolId, syntax.Action.ToString().ToLowerInvariant(), syntax.KeywordSpan.Start);
                effective[inheritedIndex] = symbol;
            }
            else
            {
                // A new rule, or one re-declared after 'remove rule': it runs after the inherited ones.
                effective.Add(symbol);
            }

            BindOrReuseRule(symbol, index);
        }

        CheckGroups(effective);
        ResolveCounts(effective);
        _protocol.Rules = [.. effective];
        _protocol.RemovedRules = removed.ToImmutable();
    }

    /// <summary>
    /// Gives every <c>at least N of GROUP</c> the member conditions of this (effective) protocol. An inherited rule that
    /// counts is copied first: its members here (an extension may add or override some) are not its members in the base.
    /// </summary>
    private void ResolveCounts(List<RuleSymbol> effective)
    {
        var resolving = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        BoundExpression Rewrite(BoundExpression expression) => expression switch
        {
            // A group without members is an error (CheckGroups) for this file's rules: leave the count unresolved.
            BoundAtLeast a => effective.Any(r => r.Groups.Contains(a.Group)) ? a with { Members = [.. effective.Where(r => r.Groups.Contains(a.Group)).Select(Resolved)] } : a with { Members = default },
            BoundBinary b => b with { Left = Rewrite(b.Left), Right = Rewrite(b.Right) },
            BoundNot n => n with { Operand = Rewrite(n.Operand) },
            BoundIsFlag f => f with { Operand = Rewrite(f.Operand) },
            _ => expression.NodeKind switch
            {
                // every kind not matched above (no _: a new kind must be placed here or above)
                BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                    or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                    or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => expression,
            },
        };
        BoundExpression Resolved(RuleSymbol member)
        {
            var index = effective.IndexOf(member);
            if (!done.Contains(member.Name) && CountsIn(member.Condition).Any() && resolving.Add(member.Name))
            {
                // A cycle is reported by CheckGroups; the inner occurrence is left unresolved (no members).
                Replace(index, Rewrite);
                resolving.Remove(member.Name);
                done.Add(member.Name);
            }
            return effective[index].Condition;
        }
        for (var i = 0; i < effective.Count; i++)
        {
            var rule = effective[i];
            if (!done.Contains(rule.Name) && CountsInClauses(rule).Count > 0 && resolving.Add(rule.Name))
            {
                Replace(i, Rewrite);
                resolving.Remove(rule.Name);
                done.Add(rule.Name);
            }
        }

        void Replace(int index, Func<BoundExpression, BoundExpression> rewrite)
        {
            var rule = effective[index];
            if (rule.ProtocolId != ProtocolId)
            {
                rule = new RuleSymbol(rule.Name, rule.Location, rule.ProtocolId, rule.Syntax)
                {
                    Condition = rule.Condition,
                    Citations = rule.Citations,
                    Overrides = rule.Overrides,
                    Groups = rule.Groups,
                    Until = rule.Until,
                    PersistenceSeconds = rule.PersistenceSeconds,
                    Correction = rule.Correction,
                };
                effective[index] = rule;
            }
            rule.Condition = rewrite(rule.Condition);
            if (rule.Until is { } until)
            {
                rule.Until = rewrite(until);
            }

            if (rule.Correction is { } correction)
            {
                rule.Correction = rewrite(correction);
            }
        }
    }

    /// <summary>
    /// <c>at least N of GROUP</c> in this file's rules: the group must have members among the effective rules, and a
    /// rule may not count a group it belongs to, directly or through other counting rules (the count would read itself).
    /// </summary>
    private void CheckGroups(List<RuleSymbol> effective)
    {
        var groups = effective.SelectMany(r => r.Groups).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in effective.Where(r => r.ProtocolId == ProtocolId))
        {
            foreach (var count in CountsInClauses(rule))
            {
                if (count.Syntax is not AtLeastExpressionSyntax syntax)
                {
                    continue;
                }

                if (!groups.Contains(count.Group))
                {
                    _diagnostics.ReportUnknownGroup(syntax.Group.Span, count.Group, groups);
                }
            }
            if (ReachesItself(rule, effective))
            {
                var at = CountsIn(rule.Condition).Select(c => c.Syntax).OfType<AtLeastExpressionSyntax>().FirstOrDefault();
                _diagnostics.ReportCountsOwnGroup(at?.Span ?? rule.Location.Span, rule.Name, directly: rule.Groups.Any(g => CountsIn(rule.Condition).Any(c => c.Group == g)));
            }
        }
    }

    /// <summary>Whether counting the groups in <paramref name="rule"/>'s condition can come back to it.</summary>
    internal static bool ReachesItself(RuleSymbol rule, IReadOnlyList<RuleSymbol> rules)
    {
        if (CountsIn(rule.Condition).Count == 0)
        {
            return false;
        }

        var visited = new HashSet<RuleSymbol>();
        var stack = new Stack<RuleSymbol>();
        stack.Push(rule);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var count in CountsIn(current.Condition))
            {
                foreach (var member in rules.Where(r => r.Groups.Contains(count.Group)))
                {
                    if (ReferenceEquals(member, rule))
                    {
                        return true;
                    }

                    if (visited.Add(member))
                    {
                        stack.Push(member);
                    }
                }
            }
        }
        return false;
    }

    /// <summary>The counts in a rule's condition, <c>until</c> and <c>corrected when</c>, in that order (no allocation when there are none).</summary>
    internal static IReadOnlyList<BoundAtLeast> CountsInClauses(RuleSymbol rule)
    {
        List<BoundAtLeast>? counts = null;
        CollectCounts(rule.Condition, ref counts);
        if (rule.Until is { } until)
        {
            CollectCounts(until, ref counts);
        }

        if (rule.Correction is { } correction)
        {
            CollectCounts(correction, ref counts);
        }

        return counts ?? (IReadOnlyList<BoundAtLeast>)[];
    }

    /// <summary>The counts in <paramref name="expression"/>, left to right (no allocation when there are none, as in most rules).</summary>
    internal static IReadOnlyList<BoundAtLeast> CountsIn(BoundExpression expression)
    {
        List<BoundAtLeast>? counts = null;
        CollectCounts(expression, ref counts);
        return counts ?? (IReadOnlyList<BoundAtLeast>)[];
    }

    private static void CollectCounts(BoundExpression expression, ref List<BoundAtLeast>? counts)
    {
        switch (expression)
        {
            case BoundAtLeast a:
                (counts ??= []).Add(a);
                break;
            case BoundBinary b:
                CollectCounts(b.Left, ref counts);
                CollectCounts(b.Right, ref counts);
                break;
            case BoundNot n:
                CollectCounts(n.Operand, ref counts);
                break;
            case BoundNegate n:
                CollectCounts(n.Operand, ref counts);
                break;
            case BoundIsFlag f:
                CollectCounts(f.Operand, ref counts);
                break;
            case BoundConstantReference { Constant.Value: { } v }:
                CollectCounts(v, ref counts);
                break;
            default:
                _ = expression.NodeKind switch
                {
                    // every kind not matched above (no _: a new kind must be placed here or above)
                    BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                        or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                        or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => true,
                };
                break;
        }
    }

    private void BindRule(RuleSymbol rule)
    {
        var syntax = rule.Syntax;
        if (syntax.Conditions.IsEmpty)
        {
            _diagnostics.ReportRuleWithoutCondition(syntax.Name.Span, rule.Name);
        }
        else
        {
            foreach (var extra in syntax.Conditions.Skip(1))
            {
                _diagnostics.ReportRuleClauseRepeated(extra.Span, "when");
            }

            rule.Condition = BindCondition(syntax.Conditions[0]);
        }
        rule.Citations = [.. syntax.Citations.Select(BindCitation)];
        BindClauses(rule);
    }

    private void BindClauses(RuleSymbol rule)
    {
        var seen = new HashSet<Type>();
        var groups = ImmutableArray.CreateBuilder<string>();
        foreach (var clause in rule.Syntax.Clauses)
        {
            if (clause is not GroupClauseSyntax && !seen.Add(clause.GetType()))
            {
                _diagnostics.ReportRuleClauseRepeated(clause.KeywordSpan, ClauseWord(clause));
                continue;
            }
            switch (clause)
            {
                case UntilClauseSyntax until:
                    if (rule.Action == IlTwo.Dsl.Syntax.RuleAction.Discontinue)
                    {
                        _diagnostics.ReportUntilOnDiscontinueRule(until.KeywordSpan);
                        break;
                    }
                    rule.Until = BindCondition(until.Condition);
                    break;
                case PersistenceClauseSyntax persistent:
                    rule.PersistenceSeconds = Duration(persistent.Duration, "a persistence window");
                    break;
                case CorrectionClauseSyntax corrected:
                    rule.Correction = BindCondition(corrected.Condition);
                    break;
                case GroupClauseSyntax group:
                    foreach (var name in group.Groups.Where(n => !n.IsMissing))
                    {
                        if (groups.Contains(name.Text))
                        {
                            _diagnostics.ReportRuleGroupRepeated(name.Span, name.Text);
                        }
                        else
                        {
                            groups.Add(name.Text);
                        }
                    }
                    break;
            }
        }
        rule.Groups = groups.ToImmutable();
    }

    private static string ClauseWord(RuleClauseSyntax clause) => clause switch
    {
        UntilClauseSyntax => "until",
        PersistenceClauseSyntax => "persistent for",
        CorrectionClauseSyntax => "corrected when",
        _ => "group",
    };

    private BoundExpression BindCondition(ExpressionSyntax syntax)
    {
        var bound = BindExpression(syntax);
        if (bound.Type is not YesNoType and not ErrorType)
        {
            _diagnostics.ReportConditionNotYesNo(syntax.Span, bound.Type.Describe(), joiner: null);
            return new BoundErrorExpression(syntax);
        }
        return bound;
    }

    // ------------------------------------------------------------ constants

    private void BindConstant(ConstantSymbol constant)
    {
        if (constant.Value is not null)
        {
            return;
        }

        if (!_bindingConstants.Add(constant))
        {
            _diagnostics.ReportConstantCycle(constant.Location.Span, constant.Name);
            constant.Value = new BoundErrorExpression(constant.Syntax);
            return;
        }
        var value = BindExpression(constant.Syntax.Value);
        if (value is not BoundErrorExpression && !IsConstant(value))
        {
            _diagnostics.ReportConstantDependsOnPatient(constant.Syntax.Value.Span);
            value = new BoundErrorExpression(constant.Syntax.Value);
        }
        constant.Value ??= value;
        _bindingConstants.Remove(constant);
    }

    internal static bool IsConstant(BoundExpression expression) => expression switch
    {
        BoundQuantityLiteral or BoundFlagLiteral => true,
        BoundConstantReference c => c.Constant.Value is { } v && IsConstant(v),
        BoundBinary b => IsConstant(b.Left) && IsConstant(b.Right),
        BoundNegate n => IsConstant(n.Operand),
        BoundNot n => IsConstant(n.Operand),
        BoundIsFlag f => IsConstant(f.Operand),
        _ => expression.NodeKind switch
        {
            // every kind not matched above (no _: a new kind must be placed here or above)
            BoundNodeKind.QuantityLiteral or BoundNodeKind.FlagLiteral or BoundNodeKind.ConstantReference or BoundNodeKind.ObservationValue or BoundNodeKind.Aggregate
                or BoundNodeKind.Baseline or BoundNodeKind.Weight or BoundNodeKind.Doses or BoundNodeKind.TimeSince or BoundNodeKind.Binary
                or BoundNodeKind.Not or BoundNodeKind.Negate or BoundNodeKind.IsFlag or BoundNodeKind.AtLeast or BoundNodeKind.Error => false,
        },
    };
}

/// <summary>The protocol named after <c>extends</c>, as a symbol for go-to-definition.</summary>
public sealed class ProtocolReferenceSymbol(BoundProtocol protocol)
    : Symbol(protocol.Id, new SymbolLocation(protocol.Tree.Text, protocol.Tree.Root.OfKind<ProtocolDeclarationSyntax>().FirstOrDefault()?.Name.Span ?? default), protocol.Id)
{
    public override SymbolKind Kind => SymbolKind.Protocol;

    public BoundProtocol Protocol { get; } = protocol;
}
