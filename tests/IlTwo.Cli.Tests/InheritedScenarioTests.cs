namespace IlTwo.Cli.Tests;

/// <summary>
/// <c>il2 test</c> on a protocol that extends another runs the base's scenarios against the extension: a stricter
/// outcome is a note, any other change fails unless the extension declares <c>override scenario</c>.
/// </summary>
public sealed class InheritedScenarioTests
{
    private const string Base = """
        protocol base-protocol
        title "Base"
        version 1.0.0
        reference r "r"
        regimen {
          drug aldesleukin
          every 8 h
          cite r "r"
        }
        observation sbp "Systolic blood pressure" {
          loinc 8480-6
          unit mm[Hg]
          within 4 h
          range 40 mm[Hg] to 250 mm[Hg]
        }
        hold rule sbp-low "SBP below 90" {
          when sbp < 90 mm[Hg]
          cite r "r"
        }
        scenario "85 holds" {
          sbp 85 mm[Hg] 1 h ago
          expect hold because sbp-low
        }
        scenario "120 gives" {
          sbp 120 mm[Hg] 1 h ago
          expect give
        }
        """;

    private const string Head = """
        protocol child
        title "Child"
        version 1.0.0
        extends base-protocol

        """;

    public static TheoryData<string, string, int, string[]> Cases => new()
    {
        {
            "a stricter extension passes and notes the change",
            """
            discontinue rule sbp-very-low "SBP below 88" {
              when sbp < 88 mm[Hg]
              cite r "r"
            }
            scenario "80 stops" {
              sbp 80 mm[Hg] 1 h ago
              expect discontinue because sbp-low, sbp-very-low
            }
            """,
            0,
            [
                "base-protocol.il2(20,10): inherited scenario \"85 holds\" (base-protocol): note: stricter in child: expected hold because sbp-low, got discontinue because sbp-very-low, sbp-low",
                "child.il2: 1 passed, 0 failed; inherited scenarios: 1 unchanged, 1 stricter, 0 overridden, 0 failed; 2 of 2 rules fired",
                "3 passed, 0 failed",
            ]
        },
        {
            "a looser override fails the base scenario it breaks",
            """
            override hold rule sbp-low "SBP below 80" {
              when sbp < 80 mm[Hg]
              cite r "r"
            }
            scenario "75 holds" {
              sbp 75 mm[Hg] 1 h ago
              expect hold because sbp-low
            }
            """,
            1,
            [
                "base-protocol.il2(20,10): inherited scenario \"85 holds\" (base-protocol) failed against child: expected hold because sbp-low, got give",
                "child.il2: 1 passed, 0 failed; inherited scenarios: 1 unchanged, 0 stricter, 0 overridden, 1 failed; 1 of 1 rules fired",
                "2 passed, 1 failed",
            ]
        },
        {
            "a declared override replaces the base expectation, starting from the base scenario's patient",
            """
            override hold rule sbp-low "SBP below 80" {
              when sbp < 80 mm[Hg]
              cite r "r"
            }
            override scenario "85 holds" because "the child holds below 80 only" {
              expect give
            }
            scenario "75 holds" {
              sbp 75 mm[Hg] 1 h ago
              expect hold because sbp-low
            }
            """,
            0,
            ["child.il2: 2 passed, 0 failed; inherited scenarios: 1 unchanged, 0 stricter, 1 overridden, 0 failed; 1 of 1 rules fired", "3 passed, 0 failed"]
        },
        {
            "an override that expects the wrong thing fails as the extension's own scenario",
            """
            override scenario "85 holds" because "wrongly" {
              expect give
            }
            """,
            1,
            ["child.il2(5,19): scenario \"85 holds\" failed: expected give, got hold because sbp-low", "1 passed, 1 failed"]
        },
        {
            "an override with its own items adds them to the base scenario's patient",
            """
            override scenario "120 gives" because "a later reading" {
              sbp 86 mm[Hg] 30 min ago
              expect hold because sbp-low
            }
            """,
            0,
            ["child.il2: 1 passed, 0 failed; inherited scenarios: 1 unchanged, 0 stricter, 1 overridden, 0 failed; 1 of 1 rules fired"]
        },
        {
            "an override naming no base scenario does not compile",
            """
            override scenario "85 hold" because "typo" {
              expect give
            }
            """,
            1,
            ["child.il2(5,19): error IL0407: no scenario of an extended protocol is titled \"85 hold\"; did you mean '85 holds'?"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Base_scenarios_run_against_the_extension(string name, string extension, int exitCode, string[] lines)
    {
        using var folder = new TempFolder();
        folder.Write("base-protocol.il2", Base);
        var child = folder.Write("child.il2", Head + extension);

        var run = CliRun.Of("test", child);

        Assert.True(exitCode == run.ExitCode, $"{name}: exit {run.ExitCode}\n{run.Out}{run.Error}");
        foreach (var line in lines)
        {
            Assert.True(run.Out.Split('\n').Any(l => l.Contains(line, StringComparison.Ordinal)), $"{name}: no line with\n{line}\nin\n{run.Out}");
        }
    }

    [Fact]
    public void The_shipped_post_til_protocol_runs_the_monotherapy_scenarios_and_passes()
    {
        var run = CliRun.Of("test", CliRun.Repo("protocols/post-til-il2.il2"));

        Assert.Equal(0, run.ExitCode);
        var summary = Assert.Single(run.Out.Split('\n'), l => l.StartsWith(CliRun.Repo("protocols/post-til-il2.il2") + ":", StringComparison.Ordinal));
        Assert.Matches(@"inherited scenarios: [1-9][0-9]* unchanged, [0-9]+ stricter, [1-9][0-9]* overridden, 0 failed; ([0-9]+) of \1 rules fired$", summary);
        Assert.DoesNotContain(" failed against ", run.Out, StringComparison.Ordinal);
    }
}
