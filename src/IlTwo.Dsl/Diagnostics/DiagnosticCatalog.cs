using System.Collections.Immutable;
using System.Reflection;

namespace IlTwo.Dsl.Diagnostics;

/// <summary>
/// Every diagnostic the front end can report: its stable code, severity, title and message template, and the prose of
/// its documentation page. Stages report through the typed methods of <see cref="DiagnosticBag"/> (one per code, in
/// DiagnosticBag.Reports.cs), which fill the template with values. Codes never change meaning once shipped, and a
/// retired code is never reused (<see cref="Retired"/>); a test fails when two descriptors share a code.
/// Ranges: IL00xx syntax, IL01xx declarations and names, IL02xx types and units, IL03xx analysis, IL04xx scenarios,
/// IL09xx internal.
/// </summary>
public static class DiagnosticCatalog
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    // Syntax
    public static readonly DiagnosticDescriptor UnexpectedCharacter = new("IL0001", Error, "Unexpected character", "unexpected character {0}")
    {
        Description = "The file holds a character that is no part of the language (such as `@`, `#` or a control character). The lexer skips it, so the rest of the file is still checked.",
        Fix = "Delete the character, or put it inside a quoted string if it belongs to a title or note.",
    };
    public static readonly DiagnosticDescriptor UnterminatedString = new("IL0002", Error, "Unterminated string", "this string has no closing quote before the end of the line")
    {
        Description = "A string starts with `\"` but the line ends before its closing quote. Strings never span lines.",
        Fix = "Add the closing `\"` on the same line; write a line break inside a string as `\\n`.",
    };
    public static readonly DiagnosticDescriptor UnexpectedToken = new("IL0003", Error, "Unexpected token", "unexpected {0}; expected {1}{2}")
    {
        Description = "The parser met a word, number or symbol where the grammar allows something else. The message says what would fit there; a reserved word used as a name is called out.",
        Fix = "Rewrite the text at the marked position as the message suggests, or rename a name that is a reserved word.",
    };
    public static readonly DiagnosticDescriptor MissingToken = new("IL0004", Error, "Missing token", "expected {0} before {1}")
    {
        Description = "Something the grammar requires is missing, typically a closing `}` or `)`, or a value after a keyword. The parser inserts it and carries on.",
        Fix = "Insert what the message names at the marked position.",
    };
    public static readonly DiagnosticDescriptor NestingTooDeep = new("IL0005", Error, "Nesting too deep", "{0} nested more than {1} deep; {2}")
    {
        Description = "Parentheses, `-`/`not` prefixes or operators are nested deeper than the compiler accepts. The limit protects the compiler and every reader of the protocol; no real protocol comes near it.",
        Fix = "Split the expression: give parts of it a name with `const`.",
    };
    public static readonly DiagnosticDescriptor TooManyErrors = new("IL0006", Error, "Too many errors", "too many {0}; stopped reporting after {1}")
    {
        Description = "The file produced so many errors of one kind that the compiler stopped listing them. It usually is not a protocol at all, or is badly damaged.",
        Fix = "Check that this is the file you meant to compile, then fix the first errors and compile again.",
    };
    public static readonly DiagnosticDescriptor InvalidNumber = new("IL0007", Error, "Invalid number", "'{0}' is not a number this language can represent")
    {
        Description = "A number is too large (or too precise) to be represented as a double-precision value.",
        Fix = "Write the value in a unit that keeps it small (`5 g` rather than `5000000000 ug`).",
    };
    public static readonly DiagnosticDescriptor InvalidEncoding = new("IL0008", Error, "File is not valid UTF-8 text", "the file is not valid UTF-8 text (is it a binary file?); invalid bytes were replaced")
    {
        Description = "The file holds bytes that are not valid UTF-8. Protocols are UTF-8 text; the invalid bytes were replaced before the file was checked.",
        Fix = "Save the file as UTF-8, or check that it is a protocol and not a binary file.",
    };
    public static readonly DiagnosticDescriptor EmptyFile = new("IL0009", Error, "Empty protocol file", "the file is empty; a protocol starts with 'protocol <id>'")
    {
        Description = "The file holds nothing but white space and comments.",
        Fix = "Write the protocol, starting with `protocol <id>`, `title` and `version`.",
    };
    public static readonly DiagnosticDescriptor BidiControlCharacter = new("IL0010", Warning, "Bidirectional control character", "invisible bidirectional control character U+{0:X4} ({1}): the text may be shown in another order than it is read; remove it")
    {
        Description = "The file holds an invisible Unicode character that changes the order in which text is displayed. A reviewer could read a rule differently from how the compiler reads it (the \"Trojan Source\" attack).",
        Fix = "Delete the character. Nothing in a protocol needs it.",
    };

    // Declarations and names
    public static readonly DiagnosticDescriptor MissingProtocolDeclaration = new("IL0101", Error, "Missing protocol declaration", "a protocol file starts with 'protocol <id>'")
    {
        Description = "The file has declarations but no `protocol <id>` line, so it has no id other files could extend or claim against.",
        Fix = "Add `protocol <id>` as the first line (the quick fix uses the file name).",
    };
    public static readonly DiagnosticDescriptor DuplicateHeaderItem = new("IL0102", Error, "Header item declared twice", "{0} is declared twice; a protocol file has one")
    {
        Description = "The protocol, its title, its version or a claim against the same protocol is written twice. A file describes exactly one protocol with one title and one version.",
        Fix = "Delete the second declaration (the first one counts).",
    };
    public static readonly DiagnosticDescriptor MissingHeaderItem = new("IL0103", Error, "Missing title or version", "protocol '{0}' has no {1}; add '{2}'")
    {
        Description = "The protocol has no `title` or no `version`. Both are shown to every reviewer and recorded with each decision, so a protocol cannot run without them.",
        Fix = "Add `title \"...\"` and `version 1.0.0` after the `protocol` line.",
    };
    public static readonly DiagnosticDescriptor DuplicateName = new("IL0104", Error, "Name declared twice", "'{0}' is already declared ({1})")
    {
        Description = "Two declarations share a name: two observations, two constants, two rules, or an observation and a constant of the same name. A name must say which declaration it means.",
        Fix = "Rename one of the two declarations, or delete the repeat.",
    };
    public static readonly DiagnosticDescriptor UndefinedName = new("IL0105", Error, "Undefined name", "'{0}' is not a declared {1}{2}")
    {
        Description = "A condition or a scenario uses a name that no observation or constant declares, in this protocol or a protocol it extends.",
        Fix = "Correct the spelling (the message suggests a close name) or declare the observation or constant.",
    };
    public static readonly DiagnosticDescriptor UndefinedReference = new("IL0106", Error, "Citation names an undeclared reference", "'{0}' is not a declared reference{1}")
    {
        Description = "A `cite` names a reference that no `reference` declaration introduces.",
        Fix = "Declare the reference (`reference name \"Author, Journal year\"`) or correct the name.",
    };
    public static readonly DiagnosticDescriptor ExtendedProtocolNotFound = new("IL0107", Error, "Extended protocol not found", "protocol '{0}' was not found: looked for '{0}.il2' and for a file declaring 'protocol {0}' next to this one")
    {
        Description = "`extends` names a protocol the compiler cannot find: there is no `<id>.il2` and no file declaring that protocol in the same folder.",
        Fix = "Correct the id, or put the base protocol's file next to this one.",
    };
    public static readonly DiagnosticDescriptor ExtendsCycle = new("IL0108", Error, "Protocols extend each other in a cycle", "protocols extend each other in a cycle: {0}")
    {
        Description = "Following `extends` from this protocol leads back to it, so no protocol in the chain has a definite set of rules.",
        Fix = "Remove one `extends` so that the chain ends in a protocol that extends nothing.",
    };
    public static readonly DiagnosticDescriptor OverrideWithoutInheritedRule = new("IL0109", Error, "Override of a rule that is not inherited", "'{0}' overrides nothing: no inherited rule has this id{1}")
    {
        Description = "An `override` rule has an id that no rule of the extended protocols has, so it would silently add a new rule instead of replacing one.",
        Fix = "Use the id of the inherited rule you mean to replace, or drop `override` to add a new rule.",
    };
    public static readonly DiagnosticDescriptor ShadowsInheritedRule = new("IL0110", Error, "Rule silently shadows an inherited rule", "rule '{0}' is inherited from '{1}'; write 'override {2} rule {0}' to replace it, or choose another id")
    {
        Description = "A rule has the id of an inherited rule but is not marked `override`. Replacing a rule of the base protocol must be visible to a reviewer.",
        Fix = "Write `override` before the rule to replace the inherited one (the quick fix does this), or give the rule another id.",
    };
    public static readonly DiagnosticDescriptor RemoveUnknownRule = new("IL0111", Error, "Removal of a rule that is not inherited", "'{0}' is not an inherited rule{1}")
    {
        Description = "`remove rule` names a rule that the extended protocols do not have, so nothing would be removed.",
        Fix = "Use the id of the inherited rule, or delete the `remove rule` line.",
    };
    public static readonly DiagnosticDescriptor UnknownFunction = new("IL0112", Error, "Unknown function", "'{0}' is not a function; the functions are {1}{2}")
    {
        Description = "A condition calls a function the language does not have.",
        Fix = "Use one of the functions the message lists (such as `sum`, `min`, `max`, `count`, `latest`).",
    };
    public static readonly DiagnosticDescriptor WrongArguments = new("IL0113", Error, "Wrong arguments", "{0} takes {1}: {2}{3}")
    {
        Description = "A function is called with the wrong number or kind of arguments: it reads an observation (by name, not a constant), and aggregates also take a window such as `last 8 h`.",
        Fix = "Call the function as its signature in the message shows.",
    };
    public static readonly DiagnosticDescriptor UndefinedEvent = new("IL0114", Error, "Undeclared event", "event '{0}' is not declared; add 'event {0} \"...\"'{1}")
    {
        Description = "`time since`, a first-dose window or a scenario names an event that no `event` declaration introduces.",
        Fix = "Declare the event (`event surgery \"Day of surgery\"`) or correct the name.",
    };
    public static readonly DiagnosticDescriptor RegimenItemRepeated = new("IL0115", Error, "Regimen item given twice", "{0} is given twice")
    {
        Description = "The protocol has two `regimen` blocks, or a regimen gives the same entry (drug, dose, interval...) twice.",
        Fix = "Keep one regimen block and one of each entry.",
    };
    public static readonly DiagnosticDescriptor MissingRegimen = new("IL0116", Error, "Missing regimen item", "{0} needs {1}: add '{2}'")
    {
        Description = "The protocol has no `regimen`, or its regimen lacks the drug or the dosing interval. Without them no dose can be scheduled.",
        Fix = "Add the missing part as the message shows.",
    };
    public static readonly DiagnosticDescriptor InvalidVersion = new("IL0117", Error, "Invalid version", "'{0}' is not a semantic version: {1}")
    {
        Description = "The version is not a Semantic Versioning 2.0 version, for example because a number has a leading zero.",
        Fix = "Write the version as `MAJOR.MINOR.PATCH`, optionally with a pre-release such as `1.0.0-rc.1`.",
    };
    public static readonly DiagnosticDescriptor ObservationItemRepeated = new("IL0118", Error, "Observation item given twice", "{0} is given twice for '{1}'")
    {
        Description = "An observation gives the same entry (unit, recency window, range, a LOINC code...) twice.",
        Fix = "Delete the repeated entry.",
    };
    public static readonly DiagnosticDescriptor RuleWithoutCondition = new("IL0119", Error, "Rule without a condition", "rule '{0}' needs a condition ('when ...')")
    {
        Description = "A hold or discontinue rule has no `when` clause, so it is not defined when the rule fires.",
        Fix = "Add `when <condition>` to the rule.",
    };
    public static readonly DiagnosticDescriptor ConstantCycle = new("IL0120", Error, "Constant defined through itself", "constant '{0}' is defined through itself")
    {
        Description = "A constant's value refers to the constant itself, directly or through other constants, so it has no value.",
        Fix = "Write the value of one constant in the cycle as a number.",
    };
    public static readonly DiagnosticDescriptor ExtendsNotFirst = new("IL0121", Error, "Extends declared twice", "a protocol extends at most one other protocol")
    {
        Description = "The protocol has more than one `extends` declaration.",
        Fix = "Keep one `extends`; to combine two protocols, let one extend the other.",
    };
    public static readonly DiagnosticDescriptor MissingRecency = new("IL0122", Error, "Observation without a recency window", "'{0}' needs a recency window ('within 4 h'): without one, a value of any age would count")
    {
        Description = "An observation does not say how old a value may be and still count. A week-old blood pressure must not decide today's dose.",
        Fix = "Add `within <duration>` to the observation.",
    };
    public static readonly DiagnosticDescriptor UndefinedFixture = new("IL0123", Error, "Undeclared fixture", "fixture '{0}' is not declared{1}")
    {
        Description = "A scenario or fixture is written `using` a fixture that is not declared.",
        Fix = "Declare the fixture or correct the name.",
    };
    public static readonly DiagnosticDescriptor InvalidClaim = new("IL0124", Error, "Claim names no protocol it can be checked against", "claim 'more conservative than {0}' cannot be checked: {1}")
    {
        Description = "A `claim more conservative than <id>` names a protocol the compiler cannot compare with: this protocol itself, a protocol that cannot be found, one that has errors, or one being compiled on the way to this one.",
        Fix = "Name a protocol without errors that can be found next to this file (or in the extends chain).",
    };
    public static readonly DiagnosticDescriptor InvalidCode = new("IL0126", Error, "Invalid code", "'{0}' is not a code: write \"system|code\" or a bare code")
    {
        Description = "A code in a `codes` list is not of the form `system|code` or a bare code.",
        Fix = "Write the code as `\"http://loinc.org|8480-6\"` or `\"8480-6\"`.",
    };
    public static readonly DiagnosticDescriptor UnknownGroup = new("IL0127", Error, "Unknown rule group", "no rule belongs to group '{0}' (write 'group {0}' in the rules it counts){1}")
    {
        Description = "`at least N of <group>` counts a group that no rule belongs to, so the count would always be zero.",
        Fix = "Add `group <name>` to the rules to be counted, or correct the group name.",
    };
    public static readonly DiagnosticDescriptor CountsOwnGroup = new("IL0128", Error, "Rule counts a group it belongs to", "rule '{0}' counts a group it belongs to{1}; a count rule cannot be one of the rules it counts")
    {
        Description = "A rule counts a group it belongs to, directly or through other counting rules, so whether it fires would depend on itself.",
        Fix = "Remove the rule from the group it counts.",
    };
    public static readonly DiagnosticDescriptor ClauseOnWrongRule = new("IL0129", Error, "Clause does not fit this kind of rule", "a discontinue rule stops IL-2 for the course and nothing resolves it; 'until' belongs to hold rules")
    {
        Description = "A discontinue rule has an `until` clause. Discontinuation ends IL-2 for the course; only a hold can be resolved.",
        Fix = "Remove the `until` clause, or make the rule a hold rule.",
    };
    public static readonly DiagnosticDescriptor RuleClauseRepeated = new("IL0130", Error, "Rule clause given twice", "{0} is given twice in this rule{1}")
    {
        Description = "A rule gives the same clause twice (two `when`, two `until`...) or names the same group twice.",
        Fix = "Keep one clause; join two conditions with `and` or `or`.",
    };
    public static readonly DiagnosticDescriptor OverrideWithoutInheritedObservation = new("IL0131", Error, "Override of an observation that is not inherited", "'{0}' overrides nothing: {1}{2}")
    {
        Description = "`override observation` names an observation that is not inherited: it is declared in this protocol, or no extended protocol has it.",
        Fix = "Use the name of an inherited observation, or declare a new observation without `override`.",
    };
    public static readonly DiagnosticDescriptor RequiredOutsideOverride = new("IL0132", Error, "Required outside an observation override", "observations are required unless marked 'optional'; 'required' clears an inherited 'optional' in an 'override observation'")
    {
        Description = "`required` appears in an ordinary observation. Observations are required by default; the word only serves to undo an inherited `optional`.",
        Fix = "Delete `required`.",
    };
    public static readonly DiagnosticDescriptor DoseSlotsPerCycle = new("IL0133", Error, "Dose slots can only be capped per course", "dose slots are capped per course ('at most 6 dose slots per course'); a cycle cap counts doses given ('at most 14 doses per cycle')")
    {
        Description = "The regimen caps dose slots per cycle. Dose slots (given or held) are capped per course; per cycle, the cap counts doses given.",
        Fix = "Write `at most N dose slots per course`, or `at most N doses per cycle`.",
    };
    public static readonly DiagnosticDescriptor ExtendedProtocolHasErrors = new("IL0134", Error, "Extended protocol has errors", "protocol '{0}' ({1}) has {2} error(s); fix them first")
    {
        Description = "The protocol named by `extends` was found but has errors of its own, so nothing can be inherited from it. Earlier versions reported this as IL0107.",
        Fix = "Open the base protocol and fix its errors.",
    };
    public static readonly DiagnosticDescriptor ExtendedProtocolIdMismatch = new("IL0135", Error, "Extended file declares another protocol", "'{0}' declares protocol '{1}', not '{2}'")
    {
        Description = "The file found for `extends <id>` (`<id>.il2`) declares a protocol with a different id. Earlier versions reported this as IL0107.",
        Fix = "Rename the file, or correct the id in `extends` or in the base file's `protocol` line.",
    };
    public static readonly DiagnosticDescriptor ConstantDependsOnPatient = new("IL0136", Error, "Constant depends on the patient", "a constant's value must not depend on the patient (no observations, weight, doses or times)")
    {
        Description = "A constant's value reads an observation, the weight, doses given or a time. Constants are fixed when the protocol is compiled. Earlier versions reported this as IL0205.",
        Fix = "Write the expression in the rule's condition instead of a constant.",
    };
    public static readonly DiagnosticDescriptor FixtureCycle = new("IL0137", Error, "Fixture starts from itself", "fixture '{0}' starts from itself through '{1}'")
    {
        Description = "Following `using` from fixture to fixture leads back to this fixture, so it describes no patient. Earlier versions reported this as IL0123.",
        Fix = "Remove one `using` so that the chain of fixtures ends.",
    };

    // Types and units
    public static readonly DiagnosticDescriptor UnknownUnit = new("IL0201", Error, "Unknown unit", "unknown unit '{0}'{1}")
    {
        Description = "A unit is not valid UCUM (the Unified Code for Units of Measure). Where a common spelling is known, the message gives the UCUM one.",
        Fix = "Write the unit in UCUM (`mm[Hg]`, `[iU]/kg`, `10*9/L`); the quick fix applies the suggestion.",
    };
    public static readonly DiagnosticDescriptor IncompatibleUnits = new("IL0202", Error, "Incompatible units", "{0} does not fit {1}: {2}")
    {
        Description = "A value is compared with, added to or used for something measured in another dimension (a mass where a pressure belongs).",
        Fix = "Use a value in a unit of the right dimension.",
    };
    public static readonly DiagnosticDescriptor MissingUnit = new("IL0203", Error, "Number needs a unit", "expected a unit after {0}: {1}")
    {
        Description = "A number stands without a unit where the value has one (a threshold, a dose, a duration). `90` could be mm[Hg] or kPa; the compiler does not guess.",
        Fix = "Write the unit after the number (the quick fix adds the expected one).",
    };
    public static readonly DiagnosticDescriptor MolarMassRequired = new("IL0204", Error, "Conversion needs a molar mass", "{0} needs a molar mass: declare 'molar mass ... g/mol' on {1}")
    {
        Description = "A value must be converted between mass and amount of substance (mg/dL and umol/L), which needs the substance's molar mass.",
        Fix = "Declare `molar mass <value> g/mol` in the observation, or write the value in the observation's unit.",
    };
    public static readonly DiagnosticDescriptor TypeMismatch = new("IL0205", Error, "Type mismatch", "{0} needs {1}, but this is {2}{3}")
    {
        Description = "An operator or function gets a value of the wrong kind: a number where yes/no is needed, yes/no where a number is needed, or an event where a value is needed.",
        Fix = "Use a value of the kind the message names.",
    };
    public static readonly DiagnosticDescriptor ConditionNotYesNo = new("IL0206", Error, "Condition is not yes/no", "{0} must be yes/no, but this is {1}{2}")
    {
        Description = "A condition (or an operand of `and`/`or`) is a number, not yes/no.",
        Fix = "Compare the value with a threshold (`sbp < 90 mm[Hg]`), or use `is yes` for a yes/no observation.",
    };
    public static readonly DiagnosticDescriptor LoincUnitMismatch = new("IL0207", Error, "Unit does not fit the LOINC code", "LOINC {0} ('{1}') is {2}, but {3}")
    {
        Description = "An observation's unit or kind (numeric, yes/no) does not fit the LOINC code it lists, so values recorded under that code would be misread.",
        Fix = "Correct the LOINC code or the observation's unit.",
    };
    public static readonly DiagnosticDescriptor UnknownLoincCode = new("IL0208", Warning, "LOINC code not in the vendored table", "LOINC {0} is not in the vendored table of codes this compiler knows; its unit cannot be checked")
    {
        Description = "The compiler's table of LOINC codes does not have this code, so it cannot check the observation's unit against it.",
        Fix = "Check the code at loinc.org. If it is right, suppress the warning with `// il2-disable-next-line IL0208`.",
    };
    public static readonly DiagnosticDescriptor ObservationWithoutUnit = new("IL0209", Error, "Numeric observation without a unit", "numeric observation '{0}' needs a UCUM unit ('unit mm[Hg]'), or mark it 'yes/no'")
    {
        Description = "An observation has neither a unit nor `yes/no`, so its values could not be read.",
        Fix = "Add `unit <UCUM unit>`, or `yes/no` for a finding that is present or absent.",
    };
    public static readonly DiagnosticDescriptor ExpectedDuration = new("IL0210", Error, "Expected a duration", "{0} must be {1}")
    {
        Description = "A window, an interval or a scenario time is not a duration, is negative, or (for an aggregate window) is zero.",
        Fix = "Write a positive duration such as `4 h`, `30 min` or `2 d`.",
    };
    public static readonly DiagnosticDescriptor InvalidRange = new("IL0211", Error, "Invalid range", "{0} must {1}")
    {
        Description = "A range is empty or reversed: an observation range whose low end is not below its high end, an interval whose longest is below its shortest, a first-dose window that ends before it starts, or a range on a yes/no observation.",
        Fix = "Write the lower bound first and make it smaller than the upper one.",
    };
    public static readonly DiagnosticDescriptor ExpectedCount = new("IL0212", Error, "Expected a whole number", "{0} must be a whole number of at least 1")
    {
        Description = "A count (doses, rules) is zero, negative, fractional or too large.",
        Fix = "Write a whole number of at least 1.",
    };
    public static readonly DiagnosticDescriptor UnitOnYesNo = new("IL0213", Error, "Unit on a yes/no observation", "'{0}' is a yes/no observation and has no unit")
    {
        Description = "A yes/no observation also gives a unit.",
        Fix = "Delete the unit, or remove `yes/no` if the observation is measured.",
    };
    public static readonly DiagnosticDescriptor OverrideChangesUnit = new("IL0214", Error, "Observation override changes the unit or kind", "'{0}' is inherited {1}; an override cannot change that")
    {
        Description = "An `override observation` changes the unit or the kind (numeric, yes/no) of the inherited observation. The inherited thresholds are written in the inherited unit.",
        Fix = "Keep the inherited unit and kind; declare a new observation if you need another.",
    };
    public static readonly DiagnosticDescriptor MolarMassNotPositive = new("IL0215", Error, "Molar mass must be positive", "a molar mass must be positive, not {0}")
    {
        Description = "An observation declares a molar mass of zero or less. Earlier versions reported this as IL0211.",
        Fix = "Write the substance's molar mass in g/mol (creatinine: `113.12 g/mol`).",
    };

    public static readonly DiagnosticDescriptor LoincNameConflict = new("IL0216", Error, "LOINC code contradicts the observation's name", "LOINC {0} is '{1}', but '{2}' reads as {3}")
    {
        Description = "The observation's name or title says one thing (diastolic, say) and its LOINC code another (systolic), so one of the two is wrong. Earlier versions reported this as IL0207.",
        Fix = "Correct the LOINC code, or the observation's name and title.",
    };

    // Types and units: how values are read (IL0220-IL0229)
    public static readonly DiagnosticDescriptor InvalidReportingPrecision = new("IL0220", Error, "Invalid reporting precision", "reporting precision {0} does not fit '{1}': {2}")
    {
        Description = "`reported to` gives a precision that is not positive, not in the observation's dimension, or is set on a yes/no observation.",
        Fix = "Write a positive step in the observation's unit, such as `reported to 1 mm[Hg]`.",
    };

    // Analysis
    public static readonly DiagnosticDescriptor RuleNeverFires = new("IL0301", Warning, "Rule can never fire", "rule '{0}' can never fire over the observations' declared ranges")
    {
        Description = "No value within the observations' declared ranges makes the rule's condition true, so the rule is dead.",
        Fix = "Check the condition's thresholds and comparison directions against the observations' ranges.",
    };
    public static readonly DiagnosticDescriptor RuleAlwaysFires = new("IL0302", Warning, "Rule always fires", "rule '{0}' fires whenever its data is present: it would {1} every dose")
    {
        Description = "Every value within the observations' declared ranges makes the rule's condition true, so the rule would stop every dose.",
        Fix = "Check the condition's thresholds and comparison directions.",
    };
    public static readonly DiagnosticDescriptor RuleSubsumed = new("IL0303", Warning, "Rule subsumed by another", "rule '{0}' is subsumed by '{1}': whenever it fires, '{1}' fires too and {2}")
    {
        Description = "Whenever this rule fires, another rule with the same or a stronger action fires too, so this rule never changes a decision.",
        Fix = "Delete the rule, or make its condition cover a case the other rule does not.",
    };
    public static readonly DiagnosticDescriptor UnusedObservation = new("IL0304", Warning, "Observation declared but unused", "observation '{0}' is declared but no rule reads it")
    {
        Description = "An observation is declared but no rule reads it. A missing value of it would still block a dose if it is required.",
        Fix = "Delete the observation, or use it in the rule it was meant for.",
    };
    public static readonly DiagnosticDescriptor RuleWithoutCitation = new("IL0305", Warning, "Rule without a citation", "rule '{0}' cites no source; add 'cite <reference> \"where\"', or 'unverified \"why\"' if the fact has not been checked")
    {
        Description = "A rule gives no source. Every threshold in a dosing protocol should be traceable to a reference, or openly marked as unverified.",
        Fix = "Add `cite <reference> \"section\"`, or `unverified \"reason\"`.",
    };
    public static readonly DiagnosticDescriptor UnusedConstant = new("IL0306", Warning, "Constant declared but unused", "constant '{0}' is declared but never used")
    {
        Description = "A constant is declared but nothing uses it.",
        Fix = "Delete the constant, or use it where it was meant to be used.",
    };
    public static readonly DiagnosticDescriptor UnusedReference = new("IL0307", Warning, "Reference declared but never cited", "reference '{0}' is never cited")
    {
        Description = "A reference is declared but no rule or regimen cites it.",
        Fix = "Delete the reference, or cite it from the rule it supports.",
    };
    public static readonly DiagnosticDescriptor ClaimUndecided = new("IL0308", Warning, "Claim 'more conservative than' cannot be proven", "claim 'more conservative than {0}' cannot be proven: {1}")
    {
        Description = "The SMT solver could neither prove nor refute the claim: it gave up on a question within its time budget (10 s each), or it is not installed (IL2-VERIFY-001). The message names the rules it could not decide. The claim is not taken as proven.",
        Fix = "Install z3 if the message says it is missing. Otherwise review the named rules by hand, or simplify their conditions so the solver can decide them.",
    };
    public static readonly DiagnosticDescriptor ClaimRefuted = new("IL0309", Error, "Claim 'more conservative than' does not hold", "claim 'more conservative than {0}' does not hold: {1}{2}")
    {
        Description = "The analysis found that this protocol gives a dose where the protocol it claims to be more conservative than would not, usually with a counterexample patient. It is an error: the protocol states something false about itself. Earlier versions reported this as IL0125, which is retired.",
        Fix = "Tighten the rules the message names, or drop the claim.",
    };

    // Scenarios
    public static readonly DiagnosticDescriptor ScenarioWithoutExpectation = new("IL0401", Error, "Scenario without an expectation", "scenario \"{0}\" says nothing to expect; add 'expect give', 'expect hold' or 'expect discontinue'")
    {
        Description = "A scenario describes a patient but not what the protocol should decide, so it tests nothing.",
        Fix = "Add `expect give`, `expect hold` or `expect discontinue` (optionally `because <rule>`).",
    };
    public static readonly DiagnosticDescriptor ScenarioValueMismatch = new("IL0402", Error, "Scenario value does not fit its observation", "{0} is {1}: write {2}")
    {
        Description = "A scenario gives a value of the wrong kind (a number for a yes/no observation, yes/no for a measured one) or a weight that is not positive.",
        Fix = "Give a value of the observation's kind, with its unit.",
    };
    public static readonly DiagnosticDescriptor ScenarioExpectsRemovedRule = new("IL0404", Error, "Scenario expects an unknown rule", "'{0}' is not a rule of this protocol{1}")
    {
        Description = "`expect ... because <rule>` names a rule the protocol does not have (possibly removed from the base protocol).",
        Fix = "Name a rule of this protocol.",
    };
    public static readonly DiagnosticDescriptor ExpectationInFixture = new("IL0405", Error, "Expectation in a fixture", "a fixture describes a patient; expectations belong in a scenario")
    {
        Description = "A fixture has an `expect`. Fixtures are shared patient descriptions; what the protocol decides is stated per scenario. Earlier versions reported this as IL0401.",
        Fix = "Move the `expect` into the scenarios that use the fixture.",
    };
    public static readonly DiagnosticDescriptor ExpectationRepeated = new("IL0406", Error, "Scenario expects twice", "a scenario has one 'expect'")
    {
        Description = "A scenario has more than one `expect`. Earlier versions reported this as IL0401.",
        Fix = "Keep one `expect`; write a second scenario for another situation.",
    };
    public static readonly DiagnosticDescriptor OverrideWithoutInheritedScenario = new("IL0407", Error, "Override of a scenario that is not inherited", "no scenario of an extended protocol is titled \"{0}\"{1}")
    {
        Description = "`override scenario \"TITLE\"` replaces the expectation of the base protocol's scenario of that title when the base's scenarios run against the extension; no scenario of the protocols this one extends has that title (or the protocol extends none), so nothing would be overridden.",
        Fix = "Use the exact title of the base scenario (the message suggests the closest), or write a plain `scenario` without `override`.",
    };

    // Internal
    /// <summary>Reported by hosts (the CLI, the language server) when a stage throws: the bug is ours, not the protocol's.</summary>
    public static readonly DiagnosticDescriptor InternalError = new("IL0999", Error, "Internal compiler error", "{0}: {1}")
    {
        Description = "The compiler itself failed on this file. The protocol may or may not be at fault; the message says what failed.",
        Fix = "Report the file and the message as a bug. Until it is fixed, simplifying the part of the file you last changed may work around it.",
    };

    /// <summary>Codes that were shipped and then withdrawn: never reported again and never reused for another meaning.</summary>
    public static ImmutableArray<RetiredDiagnostic> Retired { get; } =
    [
        new("IL0125", "Claim 'more conservative than' does not hold", "IL0309", "It was numbered in the declarations range although a refuted claim is an analysis finding."),
    ];

    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        [.. typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)];

    public static DiagnosticDescriptor? Find(string code) => All.FirstOrDefault(d => d.Code == code);

    /// <summary>
    /// The compiler-format line a host writes when a stage throws on <paramref name="path"/> (an IL0999 at 1,1):
    /// <c>path(1,1): error IL0999: what failed: exception message</c>.
    /// </summary>
    public static string FormatInternalError(string path, string whatFailed, Exception? exception) =>
        $"{CompilerFormat.Path(path)}(1,1): error {InternalError.Code}: {CompilerFormat.Message(InternalError.FormatMessage(whatFailed, exception?.Message))}";
}

/// <summary>A withdrawn code: what it meant, and which code reports that meaning now (if any).</summary>
public sealed record RetiredDiagnostic(string Code, string Title, string? ReplacedBy, string Reason);
