using System.Collections.Immutable;
using System.Reflection;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// Every diagnostic the front end can report, with its stable code. Codes never change meaning once shipped;
/// a test fails when two descriptors share a code. Ranges: IL00xx syntax, IL01xx declarations and names,
/// IL02xx types and units, IL03xx analysis, IL04xx scenarios, IL09xx internal.
/// </summary>
public static class DiagnosticCatalog
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;
    private const DiagnosticSeverity Info = DiagnosticSeverity.Information;

    // Syntax
    public static readonly DiagnosticDescriptor UnexpectedCharacter = new("IL0001", Error, "Unexpected character");
    public static readonly DiagnosticDescriptor UnterminatedString = new("IL0002", Error, "Unterminated string");
    public static readonly DiagnosticDescriptor UnexpectedToken = new("IL0003", Error, "Unexpected token");
    public static readonly DiagnosticDescriptor MissingToken = new("IL0004", Error, "Missing token");
    public static readonly DiagnosticDescriptor NestingTooDeep = new("IL0005", Error, "Nesting too deep");
    public static readonly DiagnosticDescriptor TooManyErrors = new("IL0006", Error, "Too many errors");
    public static readonly DiagnosticDescriptor InvalidNumber = new("IL0007", Error, "Invalid number");
    public static readonly DiagnosticDescriptor InvalidEncoding = new("IL0008", Error, "File is not valid UTF-8 text");
    public static readonly DiagnosticDescriptor EmptyFile = new("IL0009", Error, "Empty protocol file");
    public static readonly DiagnosticDescriptor BidiControlCharacter = new("IL0010", Warning, "Bidirectional control character");

    // Declarations and names
    public static readonly DiagnosticDescriptor MissingProtocolDeclaration = new("IL0101", Error, "Missing protocol declaration");
    public static readonly DiagnosticDescriptor DuplicateHeaderItem = new("IL0102", Error, "Header item declared twice");
    public static readonly DiagnosticDescriptor MissingHeaderItem = new("IL0103", Error, "Missing title or version");
    public static readonly DiagnosticDescriptor DuplicateName = new("IL0104", Error, "Name declared twice");
    public static readonly DiagnosticDescriptor UndefinedName = new("IL0105", Error, "Undefined name");
    public static readonly DiagnosticDescriptor UndefinedReference = new("IL0106", Error, "Citation names an undeclared reference");
    public static readonly DiagnosticDescriptor ExtendedProtocolNotFound = new("IL0107", Error, "Extended protocol not found");
    public static readonly DiagnosticDescriptor ExtendsCycle = new("IL0108", Error, "Protocols extend each other in a cycle");
    public static readonly DiagnosticDescriptor OverrideWithoutInheritedRule = new("IL0109", Error, "Override of a rule that is not inherited");
    public static readonly DiagnosticDescriptor ShadowsInheritedRule = new("IL0110", Error, "Rule silently shadows an inherited rule");
    public static readonly DiagnosticDescriptor RemoveUnknownRule = new("IL0111", Error, "Removal of a rule that is not inherited");
    public static readonly DiagnosticDescriptor UnknownFunction = new("IL0112", Error, "Unknown function");
    public static readonly DiagnosticDescriptor WrongArguments = new("IL0113", Error, "Wrong arguments");
    public static readonly DiagnosticDescriptor UndefinedEvent = new("IL0114", Error, "Undeclared event");
    public static readonly DiagnosticDescriptor RegimenItemRepeated = new("IL0115", Error, "Regimen item given twice");
    public static readonly DiagnosticDescriptor MissingRegimen = new("IL0116", Error, "Missing regimen item");
    public static readonly DiagnosticDescriptor InvalidVersion = new("IL0117", Error, "Invalid version");
    public static readonly DiagnosticDescriptor ObservationItemRepeated = new("IL0118", Error, "Observation item given twice");
    public static readonly DiagnosticDescriptor RuleWithoutCondition = new("IL0119", Error, "Rule without a condition");
    public static readonly DiagnosticDescriptor ConstantCycle = new("IL0120", Error, "Constant defined through itself");
    public static readonly DiagnosticDescriptor ExtendsNotFirst = new("IL0121", Error, "Extends declared twice");
    public static readonly DiagnosticDescriptor MissingRecency = new("IL0122", Error, "Observation without a recency window");
    public static readonly DiagnosticDescriptor UndefinedFixture = new("IL0123", Error, "Undeclared fixture");
    public static readonly DiagnosticDescriptor InvalidClaim = new("IL0124", Error, "Claim names no protocol it can be checked against");
    public static readonly DiagnosticDescriptor InvalidCode = new("IL0126", Error, "Invalid code");
    public static readonly DiagnosticDescriptor UnknownGroup = new("IL0127", Error, "Unknown rule group");
    public static readonly DiagnosticDescriptor CountsOwnGroup = new("IL0128", Error, "Rule counts a group it belongs to");
    public static readonly DiagnosticDescriptor ClauseOnWrongRule = new("IL0129", Error, "Clause does not fit this kind of rule");
    public static readonly DiagnosticDescriptor RuleClauseRepeated = new("IL0130", Error, "Rule clause given twice");
    public static readonly DiagnosticDescriptor OverrideWithoutInheritedObservation = new("IL0131", Error, "Override of an observation that is not inherited");
    public static readonly DiagnosticDescriptor RequiredOutsideOverride = new("IL0132", Error, "Required outside an observation override");
    public static readonly DiagnosticDescriptor DoseSlotsPerCycle = new("IL0133", Error, "Dose slots can only be capped per course");

    // Types and units
    public static readonly DiagnosticDescriptor UnknownUnit = new("IL0201", Error, "Unknown unit");
    public static readonly DiagnosticDescriptor IncompatibleUnits = new("IL0202", Error, "Incompatible units");
    public static readonly DiagnosticDescriptor MissingUnit = new("IL0203", Error, "Number needs a unit");
    public static readonly DiagnosticDescriptor MolarMassRequired = new("IL0204", Error, "Conversion needs a molar mass");
    public static readonly DiagnosticDescriptor TypeMismatch = new("IL0205", Error, "Type mismatch");
    public static readonly DiagnosticDescriptor ConditionNotYesNo = new("IL0206", Error, "Condition is not yes/no");
    public static readonly DiagnosticDescriptor LoincUnitMismatch = new("IL0207", Error, "Unit does not fit the LOINC code");
    public static readonly DiagnosticDescriptor UnknownLoincCode = new("IL0208", Warning, "LOINC code not in the vendored table");
    public static readonly DiagnosticDescriptor ObservationWithoutUnit = new("IL0209", Error, "Numeric observation without a unit");
    public static readonly DiagnosticDescriptor ExpectedDuration = new("IL0210", Error, "Expected a duration");
    public static readonly DiagnosticDescriptor InvalidRange = new("IL0211", Error, "Invalid range");
    public static readonly DiagnosticDescriptor ExpectedCount = new("IL0212", Error, "Expected a whole number");
    public static readonly DiagnosticDescriptor UnitOnYesNo = new("IL0213", Error, "Unit on a yes/no observation");
    public static readonly DiagnosticDescriptor OverrideChangesUnit = new("IL0214", Error, "Observation override changes the unit or kind");

    // Types and units: how values are read (IL0220-IL0229)
    public static readonly DiagnosticDescriptor InvalidReportingPrecision = new("IL0220", Error, "Invalid reporting precision");

    // Analysis
    public static readonly DiagnosticDescriptor RuleNeverFires = new("IL0301", Warning, "Rule can never fire");
    public static readonly DiagnosticDescriptor RuleAlwaysFires = new("IL0302", Warning, "Rule always fires");
    public static readonly DiagnosticDescriptor RuleSubsumed = new("IL0303", Warning, "Rule subsumed by another");
    public static readonly DiagnosticDescriptor UnusedObservation = new("IL0304", Warning, "Observation declared but unused");
    public static readonly DiagnosticDescriptor RuleWithoutCitation = new("IL0305", Warning, "Rule without a citation");
    public static readonly DiagnosticDescriptor UnusedConstant = new("IL0306", Warning, "Constant declared but unused");
    public static readonly DiagnosticDescriptor UnusedReference = new("IL0307", Warning, "Reference declared but never cited");
    public static readonly DiagnosticDescriptor ClaimRefuted = new("IL0125", Error, "Claim 'more conservative than' does not hold");
    public static readonly DiagnosticDescriptor ClaimUndecided = new("IL0308", Warning, "Claim 'more conservative than' cannot be proven");

    // Scenarios
    public static readonly DiagnosticDescriptor ScenarioWithoutExpectation = new("IL0401", Error, "Scenario without an expectation");
    public static readonly DiagnosticDescriptor ScenarioValueMismatch = new("IL0402", Error, "Scenario value does not fit its observation");
    public static readonly DiagnosticDescriptor ScenarioExpectsRemovedRule = new("IL0404", Error, "Scenario expects an unknown rule");

    // Internal
    /// <summary>Reported by hosts (the CLI, the language server) when a stage throws: the bug is ours, not the protocol's.</summary>
    public static readonly DiagnosticDescriptor InternalError = new("IL0999", Error, "Internal compiler error");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        [.. typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)];

    public static DiagnosticDescriptor? Find(string code) => All.FirstOrDefault(d => d.Code == code);
}
