namespace IlTwo.Dsl.Tests;

/// <summary>
/// The inputs of the parser tests. <see cref="ParserTests.EveryGrammarRuleAndAlternative_AppearsInAParserTestInput"/>
/// parses all of them and fails when a rule or labelled alternative of grammar/Il2.g4 is used by none.
/// </summary>
internal static class ParserInputs
{
    public const string Header = """
        protocol hd-il2
        title "High-dose IL-2"
        version 1.2.3-rc.1
        extends base-protocol
        reference dutcher-2014 "Dutcher 2014" doi "10.1186/x" url "https://example.org"
        reference plain "Plain"
        event til-infusion "TIL infusion" code "http://snomed.info/sct|123" code "456"
        event bare
        claim more conservative than base-protocol
        """;

    public const string Regimen = """
        regimen {
          drug aldesleukin code "http://www.nlm.nih.gov/research/umls/rxnorm|1000"
          dose 600000 [iU]/kg
          route intravenous
          every 8 h
          every 8 h to 12 h
          at most 14 doses per cycle
          at most 28 doses per course
          first dose 3 h to 24 h after til-infusion
          cite dutcher-2014 "Table 1"
          cite plain
          unverified "not checked"
          unverified
        }
        """;

    public const string Observations = """
        observation sbp "Systolic blood pressure" {
          loinc 8480-6
          unit mm[Hg]
          within 4 h
          range 40 mm[Hg] to 250 mm[Hg]
          molar mass 113.12 g/mol
          reported to 1 mm[Hg]
          optional
        }
        observation confusion "Confusion" yes/no {
          within 8 h
        }
        observation rate {
          unit /min
        }
        const limit = 2 x 4 mL/kg
        """;

    public const string Rules = """
        hold rule low-sbp "Low SBP" {
          when sbp < 90 mm[Hg]
          cite dutcher-2014 "Table 3"
          unverified "why"
        }
        discontinue rule severe {
          when sbp < 60 mm[Hg]
        }
        override hold rule inherited "Replaced" {
          when confusion is yes
        }
        override discontinue rule inherited-stop {
          when confusion is not no
        }
        remove rule old-rule because "superseded"
        remove rule older-rule
        """;

    public const string Scenarios = """
        fixture stable {
          weight 70 kg
          event til-infusion 20 h ago
          dose given 8 h ago
          dose held 16 h ago
          sbp 118 mm[Hg] 1 h ago
          confusion no 1 h ago
          confusion yes 3 h ago
        }
        fixture stable-later using stable {
          dose given 4 h ago
        }
        scenario "gives" using stable {
          expect give
        }
        scenario "holds" {
          sbp 84 mm[Hg] 1 h ago
          expect hold because low-sbp
        }
        scenario "stops" {
          expect discontinue because severe, low-sbp
        }
        """;

    /// <summary>One rule per expression form.</summary>
    public const string Expressions = """
        hold rule e {
          when -sbp < -90 mm[Hg] and 2 x sbp * 3 / 4 > 1 mm[Hg] + 2 mm[Hg] - 3 mm[Hg]
          when sbp <= 1 mm[Hg] or sbp >= 2 mm[Hg] or sbp = 3 mm[Hg] or sbp != 4 mm[Hg]
          when not (confusion is yes) and yes and not no
          when sum(urine, last 8 h) < limit x weight and latest(sbp) > baseline(sbp)
          when doses given >= 3 or doses held > 1 or time since last dose > 8 h
          when time since first dose > 2 d or time since til-infusion < 24 h and count(y, last 2 h) > 0
          when f() > 1
        }
        """;

    public const string Precedence = """
        hold rule p {
          when not a < 1 and b is yes or c > 2
        }
        """;

    /// <summary>Broken inputs: each still gives a tree and located diagnostics.</summary>
    public static readonly string[] Broken =
    [
        "protocol",
        "hold rule {",
        "hold rule r { when }",
        "hold rule r { when sbp < }",
        "observation sbp { unit }",
        "regimen { every }",
        "scenario { expect }",
        "const = 1",
        "title",
        "reference r",
        "hold rule r { when (sbp < 1 }",
        "hold rule r { when sum(sbp, last) > 1 mm[Hg] }",
        "fixture { sbp 1 }",
        "\"unterminated",
        "}}}}",
        "@#$%",
        "protocol p\nversion 1.0\n",
    ];

    /// <summary>The course constructs (issue 10): override observation, until, persistence, correction, groups, counts, slot caps.</summary>
    public const string Course = """
        regimen {
          at most 6 dose slots per course
        }
        override observation creatinine {
          loinc 2160-0
          within 12 h
          required
        }
        hold rule resolves {
          when sbp < 90 mm[Hg]
          until sbp >= 90 mm[Hg]
          group relative, haemodynamic
          group other
        }
        discontinue rule counted {
          when at least 3 of relative
          persistent for 2 h
          corrected when sbp >= 90 mm[Hg]
        }
        """;

    public static IEnumerable<string> All =>
        new[] { Header, Regimen, Observations, Rules, Scenarios, Expressions, Precedence, Course }.Concat(Broken);
}
